using AutoRetrain.Core;
using AutoRetrain.Detector.Model;
using TorchSharp;

namespace AutoRetrain.Detector.Artefact;

/// <summary>A model folder: <c>model.bin</c> (TorchSharp weights) and <c>model.json</c> (<see cref="ModelMetadata"/>).</summary>
public static class ModelArtefact
{
    public const string WeightsFile = "model.bin";
    public const string MetadataFile = "model.json";

    public static string CodeVersion =>
        typeof(ModelArtefact).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static void Save(CenterNet model, ModelMetadata metadata, string folder)
    {
        if (metadata.Classes.Count != model.ClassCount)
            throw new AutoRetrainException($"{folder}: metadata names {metadata.Classes.Count} classes but the model has {model.ClassCount} heatmap channels.");
        Directory.CreateDirectory(folder);
        model.save(Path.Combine(folder, WeightsFile));
        File.WriteAllText(Path.Combine(folder, MetadataFile), Json.Serialize(metadata));
    }

    public static ModelMetadata ReadMetadata(string folder)
    {
        string path = Path.Combine(folder, MetadataFile);
        if (!File.Exists(path))
            throw new AutoRetrainException($"{folder}: not a model folder ({MetadataFile} is missing).");
        var metadata = Json.Deserialize<ModelMetadata>(File.ReadAllText(path), path);
        if (metadata.ModelKind != ModelMetadata.Kind)
            throw new AutoRetrainException($"{path}: model kind '{metadata.ModelKind}' is not '{ModelMetadata.Kind}'; this trainer cannot load it.");
        if (metadata.Format != ModelMetadata.CurrentFormat)
            throw new AutoRetrainException($"{path}: artefact format {metadata.Format}; this trainer reads format {ModelMetadata.CurrentFormat}. Retrain or use a matching trainer version.");
        if (metadata.Classes.Count == 0)
            throw new AutoRetrainException($"{path}: the model lists no classes.");
        if (metadata.Classes.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new AutoRetrainException($"{path}: class \"{twice.Key}\" is listed {twice.Count()} times; each class has one head channel.");
        if (metadata.OutputStride != DetectorArchitecture.OutputStride || metadata.InputSize % 16 != 0)
            throw new AutoRetrainException($"{path}: output stride {metadata.OutputStride} / input size {metadata.InputSize} are not supported (stride {DetectorArchitecture.OutputStride}, input a multiple of 16).");
        return metadata;
    }

    /// <summary>Loads the model on the CPU in eval mode; refuses weights that do not fit the metadata.</summary>
    public static (CenterNet Model, ModelMetadata Metadata) Load(string folder)
    {
        var metadata = ReadMetadata(folder);
        string weights = Path.Combine(folder, WeightsFile);
        if (!File.Exists(weights))
            throw new AutoRetrainException($"{folder}: {WeightsFile} is missing.");
        var model = new CenterNet(DetectorArchitecture.Named(metadata.Architecture), metadata.Classes.Count);
        try
        {
            model.load(weights, strict: true);
        }
        catch (Exception ex) when (ex is not AutoRetrainException)
        {
            model.Dispose();
            throw new AutoRetrainException(
                $"{weights}: the weights do not fit a '{metadata.Architecture}' model with {metadata.Classes.Count} classes as {MetadataFile} says ({ex.Message}).", ex);
        }
        model.eval();
        return (model, metadata);
    }
}
