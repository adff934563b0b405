using System.Reflection;

namespace AutoRetrain.Core;

/// <summary>
/// The commit the program was built from. The .NET SDK reads it from the repository at build time (source control
/// information, no git binary needed) and appends it to the informational version as <c>+&lt;sha&gt;</c>; a build
/// outside a repository (a source archive) has none, and the commit reads "unknown".
/// </summary>
public static class BuildInfo
{
    public static string Commit { get; } =
        CommitOf(typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    /// <summary>The part after <c>+</c> of an informational version such as <c>0.1.0+1f2e...</c>; "unknown" without one.</summary>
    public static string CommitOf(string? version)
    {
        int plus = version?.IndexOf('+') ?? -1;
        return plus >= 0 && plus < version!.Length - 1 ? version[(plus + 1)..] : "unknown";
    }
}
