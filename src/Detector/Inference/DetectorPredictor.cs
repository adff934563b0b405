using AutoRetrain.Core;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Detector.Artefact;
using AutoRetrain.Detector.Model;
using TorchSharp;

namespace AutoRetrain.Detector.Inference;

/// <summary>
/// The hosts' <see cref="IModelPredictor"/>: the TorchSharp detector in this process, reading the model artefact
/// (<c>models/&lt;key&gt;/model.bin</c> and <c>model.json</c>) and the tiles (<c>datasets/…</c>) through the artefact store,
/// so the local folder store and Blob Storage are served by the same code. Scenes of any size go through chips and
/// cross-chip NMS. Artefacts are cached on local disk (model keys are immutable) and the last few models stay loaded;
/// predictions run one at a time, since one prediction already uses every core.
/// </summary>
public sealed class DetectorPredictor(IArtifactStore store, string cacheFolder, string? device = null, int modelsKept = 3)
    : IModelPredictor, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly LinkedList<Loaded> _loaded = new();

    private sealed record Loaded(string Key, CenterNet Model, ScenePredictor Predictor, IReadOnlyList<string> Classes);

    public async Task<IReadOnlyList<TilePredictions>> PredictAsync(string modelKey, IReadOnlyList<SnapshotEntry> tiles, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var loaded = await LoadAsync(modelKey, ct);
            var results = new List<TilePredictions>(tiles.Count);
            foreach (var chunk in tiles.Chunk(ScenePredictor.ScenesPerCall))
            {
                var scenes = new List<SceneImage>(chunk.Length);
                foreach (var tile in chunk)
                {
                    string name = $"{Containers.Datasets}/{tile.ImageKey}";
                    var bytes = await store.GetAsync(Containers.Datasets, tile.ImageKey, ct)
                        ?? throw new AutoRetrainException($"{name}: image of tile {tile.TileId} is missing from the store.");
                    var rgb = ImageReader.DecodeRgb8(bytes, name, out var info);
                    scenes.Add(new SceneImage(rgb, info.Width, info.Height, info.GroundSampleMetres));
                }
                var predicted = loaded.Predictor.Predict(scenes);
                for (int i = 0; i < chunk.Length; i++)
                    results.Add(new TilePredictions(chunk[i].TileId,
                        predicted[i].Select(d => new PredictedObject(loaded.Classes[d.ClassIndex], d.Box.ToArray(), d.Score)).ToList()));
            }
            return results;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Loaded> LoadAsync(string modelKey, CancellationToken ct)
    {
        if (_loaded.FirstOrDefault(l => l.Key == modelKey) is { } hit)
        {
            _loaded.Remove(hit);
            _loaded.AddFirst(hit);
            return hit;
        }
        StoreKeys.EnsureSafe(modelKey);
        string folder = Path.Combine(cacheFolder, modelKey.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(folder);
        foreach (string file in new[] { ModelArtefact.WeightsFile, ModelArtefact.MetadataFile })
        {
            string path = Path.Combine(folder, file);
            if (File.Exists(path)) continue;
            var bytes = await store.GetAsync(Containers.Models, $"{modelKey}/{file}", ct)
                ?? throw new AutoRetrainException($"{Containers.Models}/{modelKey}/{file}: missing; the model artefact is incomplete.");
            string partial = path + ".partial";
            await File.WriteAllBytesAsync(partial, bytes, ct);
            File.Move(partial, path, overwrite: true);
        }
        var (model, metadata) = ModelArtefact.Load(folder);
        var torchDevice = DeviceChoice.Resolve(device);
        model.to(torchDevice);
        var loaded = new Loaded(modelKey, model, ScenePredictor.For(model, metadata, torchDevice), metadata.Classes);
        _loaded.AddFirst(loaded);
        while (_loaded.Count > Math.Max(1, modelsKept))
        {
            _loaded.Last!.Value.Model.Dispose();
            _loaded.RemoveLast();
        }
        return loaded;
    }

    public void Dispose()
    {
        foreach (var l in _loaded) l.Model.Dispose();
        _loaded.Clear();
        _gate.Dispose();
    }
}
