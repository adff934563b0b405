using System.Collections.Concurrent;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Detector.Artefact;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Model;
using AutoRetrain.Local.Storage;
using TorchSharp;

namespace AutoRetrain.Cli.Hosting;

/// <summary>
/// The local host's predictor: the TorchSharp detector in this process (no process start per scoring), on the
/// tiles of the folder store, scenes of any size through chips and cross-chip NMS.
/// </summary>
public sealed class DetectorPredictor(FolderArtifactStore store, string? device = null) : IModelPredictor
{
    private const int ScenesPerBatch = 16;
    private readonly ConcurrentDictionary<string, ScenePredictor> _models = new();
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _classes = new();

    public Task<IReadOnlyList<TilePredictions>> PredictAsync(string modelKey, IReadOnlyList<SnapshotEntry> tiles, CancellationToken ct = default)
    {
        var predictor = _models.GetOrAdd(modelKey, key =>
        {
            var (model, metadata) = ModelArtefact.Load(store.PathOf(Containers.Models, key));
            var torchDevice = DeviceChoice.Resolve(device);
            model.to(torchDevice);
            _classes[key] = metadata.Classes;
            return new ScenePredictor(model, metadata.InputSize, metadata.Normalisation, torchDevice);
        });
        var classes = _classes[modelKey];
        var results = new List<TilePredictions>(tiles.Count);
        foreach (var chunk in tiles.Chunk(ScenesPerBatch))
        {
            ct.ThrowIfCancellationRequested();
            var scenes = chunk.Select(t =>
            {
                var rgb = DatasetReader.LoadRgb(store.PathOf(Containers.Datasets, t.ImageKey), out int w, out int h);
                return new SceneImage(rgb, w, h);
            }).ToList();
            var predicted = predictor.Predict(scenes);
            for (int i = 0; i < chunk.Length; i++)
                results.Add(new TilePredictions(chunk[i].TileId,
                    predicted[i].Select(d => new PredictedObject(classes[d.ClassIndex], d.Box.ToArray(), d.Score)).ToList()));
        }
        return Task.FromResult<IReadOnlyList<TilePredictions>>(results);
    }
}
