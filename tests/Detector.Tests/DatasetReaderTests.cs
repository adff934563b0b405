using AutoRetrain.Core;
using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Sampling;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Training;

namespace AutoRetrain.Detector.Tests;

public class DatasetReaderTests
{
    [Fact]
    public void Read_FolderWithTrainAndVal_KeepsSplitPixelsAndLabels()
    {
        using var folder = new TempFolder();
        var train = ShapeTiles.Make(3, 32, ["car"], seed: 1, objectSize: 8);
        var val = ShapeTiles.Make(1, 32, ["boat"], seed: 2, objectSize: 8);
        ShapeTiles.WriteFolder(train, folder.Sub("train"));
        ShapeTiles.WriteFolder(val, folder.Sub("val"));

        var data = DatasetReader.Read(folder.Path);

        Assert.Equal(train.Select(t => t.TileId), data.Train.Select(t => t.TileId));
        Assert.Equal(train[0].Rgb, data.Train[0].Rgb);
        Assert.Equal(train[0].Objects.Select(o => o.Bounds), data.Train[0].Objects.Select(o => o.Bounds));
        Assert.Equal(["boat", "car"], data.ClassesInLabels());
        Assert.Single(data.Validation);
    }

    [Fact]
    public void Read_SnapshotWithoutStore_ResolvesKeysInDatasetsFolder()
    {
        using var folder = new TempFolder();
        string datasets = folder.Sub("datasets");
        var tiles = ShapeTiles.Make(2, 32, ["car"], seed: 3, objectSize: 8);
        ShapeTiles.WriteFolder(tiles, Path.Combine(datasets, "tiles"));
        var entries = tiles.Select((t, i) => new SnapshotEntry(t.TileId, $"hash{i}", i == 0 ? Split.Train : Split.Validation,
            $"tiles/{t.TileId}.png", $"tiles/{t.TileId}{LabelFile.Suffix}")).ToList();
        var snapshot = new Snapshot { Id = Snapshot.ComputeId(entries), CreatedAt = DateTimeOffset.UnixEpoch, Entries = entries, Classes = ["car"] };
        Directory.CreateDirectory(Path.Combine(datasets, "snapshots"));
        string manifest = Path.Combine(datasets, "snapshots", snapshot.Id + ".json");
        File.WriteAllText(manifest, Json.Serialize(snapshot));

        var data = DatasetReader.Read(manifest);

        Assert.Equal(snapshot.Id, data.SnapshotId);
        Assert.Equal(tiles[0].TileId, Assert.Single(data.Train).TileId);
        Assert.Equal(tiles[1].Rgb, Assert.Single(data.Validation).Rgb);
    }

    [Fact]
    public void Read_MissingPath_NamesIt()
    {
        var error = Assert.Throws<AutoRetrainException>(() => DatasetReader.Read("/no/such/data"));
        Assert.Contains("/no/such/data", error.Message);
    }

    [Fact]
    public void EpochOrder_WeightsFavourOneTile_DrawsItMostOftenAndSumOfWeightsTimes()
    {
        TileWeight[] weights = [new("a", 1), new("b", 1), new("c", 18)];
        var order = EpochOrder.For(weights, 0, new Random(1));
        Assert.Equal(20, order.Length);
        Assert.InRange(order.Count(i => i == 2), 14, 20);
    }

    [Fact]
    public void EpochOrder_TileFromALaterEpoch_IsLeftOutUntilThen()
    {
        TileWeight[] weights = [new("a", 1), new("b", 3, FromEpoch: 2)];
        Assert.DoesNotContain(1, EpochOrder.For(weights, 1, new Random(1)));
        Assert.Contains(1, EpochOrder.For(weights, 2, new Random(1)));
    }

    [Fact]
    public void EpochOrder_AllWeightsZero_Refuses()
    {
        Assert.Throws<AutoRetrainException>(() => EpochOrder.For([new TileWeight("a", 0)], 0, new Random(1)));
    }
}
