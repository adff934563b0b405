using AutoRetrain.Cloud.Storage;
using AutoRetrain.Core;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Detector.Artefact;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Model;
using static TorchSharp.torch;

namespace AutoRetrain.Functions.Tests.Scoring;

/// <summary>The app's scoring: the detector in process, reading the model artefact and the tiles from Blob Storage (Azurite).</summary>
public sealed class DetectorPredictorTests : IDisposable
{
    private readonly string _prefix = $"scoring-{Guid.NewGuid():N}";
    private readonly string _cache = Path.Combine(Path.GetTempPath(), $"predictor-cache-{Guid.NewGuid():N}");
    private readonly string _local = Path.Combine(Path.GetTempPath(), $"predictor-model-{Guid.NewGuid():N}");
    private readonly BlobArtifactStore _store = new(Azurite.Connect().Blobs);

    [Fact]
    public async Task PredictAsync_ModelAndTileInBlobStorage_GivesTheDetectionsOfTheModelRunLocally()
    {
        random.manual_seed(5);
        using var model = new CenterNet(DetectorArchitecture.Nano, classCount: 2);
        string modelKey = $"{_prefix}/model-1";
        var metadata = await UploadAsync(model, ["plane", "ship"], 128, modelKey);
        // A scene larger than one chip and not a multiple of it, so chipping and cross-chip NMS are on the path.
        var (rgb, width, height) = (Pixels(300, 200), 300, 200);
        string imageKey = $"{_prefix}/tile-a.png";
        await _store.PutAsync(Containers.Datasets, imageKey, ImageWriter.EncodePng(width, height, rgb));
        using var predictor = new DetectorPredictor(_store, _cache, "cpu");

        var predicted = await predictor.PredictAsync(modelKey, [new SnapshotEntry("tile-a", "h", Split.Validation, imageKey, "unused")]);

        var expected = new ScenePredictor(model, 128, Normalisation.Default, CPU).Predict([new SceneImage(rgb, width, height)])[0];
        var objects = Assert.Single(predicted).Objects;
        Assert.NotEmpty(objects);
        Assert.Equal(expected.Count, objects.Count);
        for (int i = 0; i < objects.Count; i++)
        {
            Assert.Equal(metadata.Classes[expected[i].ClassIndex], objects[i].Class);
            Assert.Equal(expected[i].Score, objects[i].Score, 6);
            Assert.Equal(expected[i].Box.ToArray(), objects[i].Box);
        }
        Assert.True(File.Exists(Path.Combine(_cache, _prefix, "model-1", ModelArtefact.WeightsFile)), "the artefact is cached on local disk");
    }

    [Fact]
    public async Task PredictAsync_ArtefactMissingItsWeights_FailsNamingTheBlob()
    {
        string modelKey = $"{_prefix}/half-uploaded";
        await _store.PutAsync(Containers.Models, $"{modelKey}/{ModelArtefact.MetadataFile}", "{}"u8.ToArray());
        using var predictor = new DetectorPredictor(_store, _cache, "cpu");

        var ex = await Assert.ThrowsAsync<AutoRetrainException>(() =>
            predictor.PredictAsync(modelKey, [new SnapshotEntry("t", "h", Split.Validation, $"{_prefix}/t.png", "unused")]));

        Assert.Contains($"models/{modelKey}/{ModelArtefact.WeightsFile}", ex.Message);
    }

    [Fact]
    public async Task PredictAsync_TileImageMissing_FailsNamingTheTileAndTheBlob()
    {
        using var model = new CenterNet(DetectorArchitecture.Nano, classCount: 1);
        string modelKey = $"{_prefix}/model-2";
        await UploadAsync(model, ["plane"], 64, modelKey);
        using var predictor = new DetectorPredictor(_store, _cache, "cpu");

        var ex = await Assert.ThrowsAsync<AutoRetrainException>(() =>
            predictor.PredictAsync(modelKey, [new SnapshotEntry("tile-gone", "h", Split.Validation, $"{_prefix}/gone.png", "unused")]));

        Assert.Contains("tile-gone", ex.Message);
        Assert.Contains($"datasets/{_prefix}/gone.png", ex.Message);
    }

    /// <summary>Saves the model as an artefact folder and uploads its files to <c>models/&lt;key&gt;/</c>.</summary>
    private async Task<ModelMetadata> UploadAsync(CenterNet model, IReadOnlyList<string> classes, int inputSize, string modelKey)
    {
        var metadata = new ModelMetadata
        {
            Architecture = "nano", Classes = classes, InputSize = inputSize, OutputStride = DetectorArchitecture.OutputStride,
            Normalisation = Normalisation.Default, SnapshotId = "s1", CodeVersion = ModelArtefact.CodeVersion,
            TrainedAt = DateTimeOffset.UnixEpoch, Metrics = new Dictionary<string, double>(),
        };
        ModelArtefact.Save(model, metadata, _local);
        foreach (string file in new[] { ModelArtefact.WeightsFile, ModelArtefact.MetadataFile })
            await _store.PutAsync(Containers.Models, $"{modelKey}/{file}", await File.ReadAllBytesAsync(Path.Combine(_local, file)));
        return metadata;
    }

    private static byte[] Pixels(int width, int height)
    {
        var rgb = new byte[width * height * 3];
        new Random(3).NextBytes(rgb);
        return rgb;
    }

    public void Dispose()
    {
        foreach (string dir in new[] { _cache, _local })
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }
}
