using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Core.Tiles;

namespace AutoRetrain.Core.Tests;

public class SnapshotTests
{
    private static TileRecord Tile(int i, string? labelHash) => new()
    {
        Id = TileId.Of(BitConverter.GetBytes(i)),
        SourceName = $"t{i}.png",
        ImageKey = $"tiles/t{i}.png",
        Image = new ImageInfo(ImageFormat.Png, 8, 8, 3, 8),
        SizeBytes = 10,
        ArrivedAt = DateTimeOffset.UnixEpoch,
        Split = SplitAssigner.For(TileId.Of(BitConverter.GetBytes(i))),
        LabelState = labelHash is null ? LabelState.Unlabelled : LabelState.Labelled,
        LabelHash = labelHash,
        LabelKey = labelHash is null ? null : $"labels/{labelHash}",
        ClassCounts = new Dictionary<string, int> { ["ship"] = 1 },
    };

    [Fact]
    public void Create_SameContentAnyOrder_SameId()
    {
        var tiles = Enumerable.Range(0, 20).Select(i => Tile(i, $"h{i}")).ToList();
        var a = Snapshot.Create(tiles, DateTimeOffset.UnixEpoch);
        var b = Snapshot.Create(Enumerable.Reverse(tiles), DateTimeOffset.UtcNow);
        Assert.Equal(a.Id, b.Id);
        Assert.True(b.Verify());
    }

    [Fact]
    public void Create_ChangedLabels_NewId_UnlabelledTilesLeftOut()
    {
        var tiles = Enumerable.Range(0, 5).Select(i => Tile(i, $"h{i}")).ToList();
        var a = Snapshot.Create(tiles, DateTimeOffset.UnixEpoch);
        tiles[2] = Tile(2, "changed");
        tiles.Add(Tile(99, null));
        var b = Snapshot.Create(tiles, DateTimeOffset.UnixEpoch);
        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal(5, b.Entries.Count);
    }

    [Fact]
    public void SplitAssigner_ManyTiles_FractionNearConfiguredAndStable()
    {
        var ids = Enumerable.Range(0, 5000).Select(i => TileId.Of(BitConverter.GetBytes(i))).ToList();
        double share = ids.Count(id => SplitAssigner.For(id) == Split.Validation) / 5000.0;
        Assert.InRange(share, 0.18, 0.22);
        Assert.All(ids.Take(50), id => Assert.Equal(SplitAssigner.For(id), SplitAssigner.For(new TileId(id.Value.ToUpperInvariant()))));
    }
}
