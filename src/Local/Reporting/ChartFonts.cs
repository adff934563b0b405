namespace AutoRetrain.Local.Reporting;

/// <summary>
/// ScottPlot draws through SkiaSharp's dependency-free Linux build, which has no fontconfig: without a font
/// file registered explicitly, charts come out without any text. Registers DejaVu Sans (Debian package
/// fonts-dejavu-core) or another TrueType sans font found in the usual folders.
/// </summary>
public static class ChartFonts
{
    private static readonly Lazy<string?> Registered = new(Register);

    /// <summary>The registered font family, or null when no font file was found (charts then lack text).</summary>
    public static string? Family => Registered.Value;

    private static string? Register()
    {
        string[] folders = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
            "/usr/share/fonts/truetype/liberation", "/Library/Fonts", @"C:\Windows\Fonts"];
        (string Family, string Regular, string Bold)[] candidates =
        [
            ("DejaVu Sans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
            ("Liberation Sans", "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
            ("Arial", "arial.ttf", "arialbd.ttf"),
        ];
        foreach (var folder in folders)
            foreach (var (family, regular, bold) in candidates)
            {
                string path = Path.Combine(folder, regular);
                if (!File.Exists(path)) continue;
                ScottPlot.Fonts.AddFontFile(family, path, bold: false, italic: false);
                string boldPath = Path.Combine(folder, bold);
                ScottPlot.Fonts.AddFontFile(family, File.Exists(boldPath) ? boldPath : path, bold: true, italic: false);
                ScottPlot.Fonts.Default = family;
                return family;
            }
        return null;
    }
}
