using System.Text;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Ingestion;
using AutoRetrain.Core.Labels;
using AutoRetrain.Local.Ledger;
using AutoRetrain.Local.Storage;

namespace AutoRetrain.Core.Tests.Ingestion;

/// <summary>A real folder store and SQLite ledger in a temporary folder, deleted afterwards.</summary>
public sealed class IngestionFixture : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "autoretrain-tests", Guid.NewGuid().ToString("N"));
    public FolderArtifactStore Store { get; }
    public SqliteDatabase Db { get; }
    public SqliteTileLedger Ledger { get; }
    public IngestionService Service { get; }

    public IngestionFixture(IngestionOptions? options = null)
    {
        Store = new FolderArtifactStore(Path.Combine(Root, "store"));
        Db = SqliteDatabase.For(Path.Combine(Root, "ledger.db"));
        Ledger = new SqliteTileLedger(Db);
        Service = new IngestionService(Store, Ledger, ImageInspector.Instance, options: options);
    }

    /// <summary>A real PNG with noise that depends on the seed, so every seed gives different bytes.</summary>
    public static byte[] Png(int seed, int width = 64, int height = 48)
    {
        var random = new Random(seed);
        var rgb = new byte[width * height * 3];
        random.NextBytes(rgb);
        return ImageWriter.EncodePng(width, height, rgb);
    }

    public static byte[] LabelsJson(string image, int width, int height, params (string Class, double[] Box)[] objects) =>
        Encoding.UTF8.GetBytes(Json.Serialize(new LabelFile
        {
            Image = image, Width = width, Height = height,
            Objects = objects.Select(o => new LabelObject { Class = o.Class, Box = o.Box }).ToList(),
        }));

    public void Dispose()
    {
        Db.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
