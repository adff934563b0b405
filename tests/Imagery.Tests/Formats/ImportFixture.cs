using AutoRetrain.Core;
using AutoRetrain.Core.Labels;
using SkiaSharp;

namespace AutoRetrain.Imagery.Tests.Formats;

/// <summary>A temporary source dataset and incoming folder with real PNG images, deleted after the test.</summary>
public sealed class ImportFixture : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("autoretrain-import-").FullName;
    public string Source => Path.Combine(Root, "source");
    public string Into => Path.Combine(Root, "incoming");

    public ImportFixture() => Directory.CreateDirectory(Source);

    /// <summary>Writes a real PNG of the given size at a path relative to the source folder.</summary>
    public string Png(string relativePath, int width, int height)
    {
        var path = Path.Combine(Source, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(new SKColor(40, 90, 160));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    public string Text(string relativePath, string content)
    {
        var path = Path.Combine(Source, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>The sidecar the import wrote for an image, read back through the contract type.</summary>
    public LabelFile Sidecar(string imageName) =>
        Json.Deserialize<LabelFile>(File.ReadAllText(Path.Combine(Into, LabelFile.SidecarNameFor(imageName))), imageName);

    public bool Imported(string fileName) => File.Exists(Path.Combine(Into, fileName));

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
