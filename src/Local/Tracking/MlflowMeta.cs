using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace AutoRetrain.Local.Tracking;

/// <summary>An experiment's <c>meta.yaml</c> in MLflow's file store (field names as MLflow writes them).</summary>
public sealed class MlflowExperimentMeta
{
    public string ArtifactLocation { get; set; } = "";
    public long CreationTime { get; set; }
    public string ExperimentId { get; set; } = "";
    public long LastUpdateTime { get; set; }
    public string LifecycleStage { get; set; } = "active";
    public string Name { get; set; } = "";
}

/// <summary>A run's <c>meta.yaml</c> in MLflow's file store. Status: 1 running, 3 finished, 4 failed, 5 killed.</summary>
public sealed class MlflowRunMeta
{
    public const int Running = 1;

    public string ArtifactUri { get; set; } = "";
    public long? EndTime { get; set; }
    public string EntryPointName { get; set; } = "";
    public string ExperimentId { get; set; } = "";
    public string LifecycleStage { get; set; } = "active";
    public string RunId { get; set; } = "";
    public string RunName { get; set; } = "";
    public string RunUuid { get; set; } = "";
    public string SourceName { get; set; } = "";
    public int SourceType { get; set; } = 4;
    public string SourceVersion { get; set; } = "";
    public long StartTime { get; set; }
    public int Status { get; set; } = Running;
    public List<string> Tags { get; set; } = [];
    public string UserId { get; set; } = "autoretrain";
}

/// <summary>
/// meta.yaml written and read with a YAML library: a name such as <c>roads: v2</c>, <c>yes</c> or <c>2024</c> is quoted
/// so that it reads back as the same string, never as a map, a boolean or a number.
/// </summary>
public static class MlflowYaml
{
    // MLflow reads with PyYAML, a YAML 1.1 parser: "yes", "on" or "1:30" must be quoted too.
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithQuotingNecessaryStrings(quoteYaml1_1Strings: true)
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    public static string Write<T>(T meta) => Serializer.Serialize(meta);

    public static T Read<T>(string path)
    {
        try
        {
            return Deserializer.Deserialize<T>(File.ReadAllText(path)) ?? throw new Core.AutoRetrainException($"{path}: empty meta.yaml.");
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new Core.AutoRetrainException($"{path}: not a readable MLflow meta.yaml ({ex.Message}).");
        }
    }
}
