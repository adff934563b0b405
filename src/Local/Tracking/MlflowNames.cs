using System.Text.RegularExpressions;

namespace AutoRetrain.Local.Tracking;

/// <summary>
/// MLflow's rules for metric, param and tag names: only word characters, <c>/ . - _</c> and spaces
/// (<c>^[/\w.\- ]*$</c>), at most 250 characters, and a normalised path (no empty, <c>.</c> or <c>..</c> segment, no
/// leading or trailing <c>/</c>), since the file store keeps each name as a file path. The REST API's
/// <c>log-batch</c> and the file store's reader reject anything else.
/// </summary>
public static partial class MlflowNames
{
    public const int MaxLength = 250;

    /// <summary>Where the original of a name that had to change is kept: a tag <c>original_name/&lt;mapped&gt;</c>.</summary>
    public const string OriginalTagPrefix = "original_name/";

    [GeneratedRegex(@"^[/\w.\- ]*$")]
    private static partial Regex Allowed();

    [GeneratedRegex(@"[^/\w.\- ]")]
    private static partial Regex Disallowed();

    public static bool IsValid(string name) =>
        name.Length is > 0 and <= MaxLength && Allowed().IsMatch(name)
        && name.Split('/').All(segment => segment is not ("" or "." or ".."));

    /// <summary>The name itself when MLflow accepts it; otherwise every other character becomes <c>_</c> and every
    /// empty, <c>.</c> or <c>..</c> path segment <c>_</c>, cut to <see cref="MaxLength"/>.</summary>
    public static string Map(string name)
    {
        if (IsValid(name)) return name;
        string mapped = Disallowed().Replace(name, "_");
        mapped = string.Join('/', mapped.Split('/').Select(segment => segment is "" or "." or ".." ? "_" : segment));
        return mapped.Length > MaxLength ? mapped[..MaxLength].TrimEnd('/') : mapped;
    }
}
