using System.Reflection;

namespace AutoRetrain.Infra.Tests;

/// <summary>Where the repository and its infrastructure files are, as recorded at build time.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static string BicepFolder => Path.Combine(Root, "infra", "bicep");

    public static string MainBicep => Path.Combine(BicepFolder, "main.bicep");

    public static string HooksFolder => Path.Combine(Root, "infra", "hooks");

    /// <summary>Every .bicep file under infra/, relative to the repository root.</summary>
    public static IReadOnlyList<string> BicepFiles() =>
        Directory.EnumerateFiles(Path.Combine(Root, "infra"), "*.bicep", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Root, path))
            .Order(StringComparer.Ordinal)
            .ToList();
}
