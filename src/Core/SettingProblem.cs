namespace AutoRetrain.Core;

/// <summary>
/// A configuration value outside what its setting allows: the setting's key, the value as given, and what is allowed
/// (read after "must be": "at least 1", "in [0, 1]"). The host that read the value adds where it came from.
/// </summary>
public sealed record SettingProblem(string Key, string Value, string Allowed)
{
    public string Describe(string source) => $"{source}: {Key} must be {Allowed}, got {Value}.";

    /// <summary>A number as configuration writes it (invariant culture, shortest round-trip form).</summary>
    public static string Text(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    public static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
