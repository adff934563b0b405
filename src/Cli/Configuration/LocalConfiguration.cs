using System.Text.Json;
using AutoRetrain.Core;
using AutoRetrain.Local.Training;
using AutoRetrain.Orchestration.Steps;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace AutoRetrain.Cli.Configuration;

/// <summary>The local loop's settings: how cycles decide, train and promote, and how the trainer process runs.</summary>
public sealed record LocalSettings(CycleStepsOptions Cycles, TrainerSettings Trainer);

/// <summary>
/// The local loop's configuration, layered as .NET programs do: the command's defaults, then <c>autoretrain.json</c>
/// in the workspace (or the file <c>--config</c> names), then environment variables <c>AUTORETRAIN__Section__Key</c>,
/// then command-line options. Keys are those of <see cref="CycleStepsOptions"/> (<c>Policy</c>, <c>Gate</c>,
/// <c>Training</c>, <c>Candidates</c>, <c>Strategies</c>, ...) and <c>Trainer</c> (<c>Device</c>, <c>BatchSize</c>).
/// </summary>
public sealed class LocalConfiguration
{
    public const string FileName = "autoretrain.json";
    public const string EnvironmentPrefix = "AUTORETRAIN__";
    public const string TrainerSection = "Trainer";

    private readonly IConfigurationRoot _root;
    private readonly IConfigurationProvider _defaults;
    private readonly IConfigurationProvider _commandLine;
    private readonly string? _file;
    private readonly LocalSettings _defaultSettings;

    private LocalConfiguration(IConfigurationRoot root, IConfigurationProvider defaults, IConfigurationProvider commandLine, string? file,
        LocalSettings defaultSettings)
    {
        (_root, _defaults, _commandLine, _file, _defaultSettings) = (root, defaults, commandLine, file, defaultSettings);
    }

    /// <param name="workdir">Workspace whose <c>autoretrain.json</c> is read when present.</param>
    /// <param name="configFile">A file to read instead (must exist).</param>
    /// <param name="defaults">The command's own defaults.</param>
    /// <param name="commandLine">Values of the command-line options, by configuration key (null: option absent).</param>
    public static LocalConfiguration Load(string? workdir, string? configFile, LocalSettings defaults,
        IReadOnlyDictionary<string, string?> commandLine)
    {
        string? file = configFile is not null ? Path.GetFullPath(configFile)
            : workdir is not null && File.Exists(Path.Combine(workdir, FileName)) ? Path.GetFullPath(Path.Combine(workdir, FileName)) : null;
        if (configFile is not null && !File.Exists(file))
            throw new AutoRetrainException($"--config {configFile}: file not found.");
        var defaultsSource = new MemoryConfigurationSource { InitialData = Flatten(defaults) };
        var commandLineSource = new MemoryConfigurationSource { InitialData = commandLine.Where(kv => kv.Value is not null) };
        var builder = new ConfigurationBuilder().Add(defaultsSource);
        if (file is not null) builder.AddJsonFile(file, optional: false, reloadOnChange: false);
        builder.AddEnvironmentVariables(EnvironmentPrefix).Add(commandLineSource);
        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or JsonException)
        {
            throw new AutoRetrainException($"{file}: not a readable configuration file ({ex.Message}).");
        }
        return new LocalConfiguration(root, root.Providers.First(), root.Providers.Last(), file, defaults);
    }

    /// <summary>The effective settings; a value that does not fit its setting is named with its source.</summary>
    public LocalSettings Bind()
    {
        try
        {
            var cycles = _root.Get<CycleStepsOptions>(o => o.ErrorOnUnknownConfiguration = false) ?? new CycleStepsOptions();
            // A list is replaced as a whole by the last layer that gives one (the binder would append it to the default).
            cycles = cycles with { Strategies = StrategiesSection()?.Get<string[]>() ?? _defaultSettings.Cycles.Strategies };
            var trainer = _root.GetSection(TrainerSection).Get<TrainerSettings>() ?? new TrainerSettings();
            return new LocalSettings(cycles, trainer);
        }
        catch (InvalidOperationException ex)
        {
            throw new AutoRetrainException($"configuration: {ex.Message} (sources: {string.Join(", ", Sources())}).");
        }
    }

    /// <summary>Every effective key with its value and where it came from, in key order.</summary>
    public IReadOnlyList<(string Key, string? Value, string Source)> Explain()
    {
        var keys = _root.AsEnumerable().Where(kv => kv.Value is not null).Select(kv => kv.Key)
            .Order(StringComparer.OrdinalIgnoreCase).ToList();
        var explained = keys.Select(key => (key, _root[key], SourceOf(key))).ToList();
        if (StrategiesSection() is null)
            explained.AddRange(_defaultSettings.Cycles.Strategies.Select((s, i) => ($"{nameof(CycleStepsOptions.Strategies)}:{i}", (string?)s, "default")));
        return explained.OrderBy(e => e.Item1, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private IConfigurationSection? StrategiesSection() =>
        _root.GetSection(nameof(CycleStepsOptions.Strategies)) is var section && section.GetChildren().Any() ? section : null;

    private string SourceOf(string key)
    {
        foreach (var provider in _root.Providers.Reverse())
        {
            if (!provider.TryGet(key, out _)) continue;
            if (ReferenceEquals(provider, _commandLine)) return "command line";
            if (ReferenceEquals(provider, _defaults)) return "default";
            if (provider is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationProvider)
                return "environment " + EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal);
            return _file ?? "file";
        }
        return "default";
    }

    private IEnumerable<string> Sources() =>
        new[] { "defaults", _file, "environment " + EnvironmentPrefix + "*", "command line" }.OfType<string>();

    /// <summary>The defaults as configuration keys (<c>Policy:Cooldown</c> = <c>06:00:00</c>); null values are left out.</summary>
    private static Dictionary<string, string?> Flatten(LocalSettings settings)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var options = new JsonSerializerOptions { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
        Walk(JsonSerializer.SerializeToElement(settings.Cycles, options), "");
        Walk(JsonSerializer.SerializeToElement(settings.Trainer, options), TrainerSection);
        return result;

        void Walk(JsonElement e, string prefix)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject()) Walk(p.Value, prefix.Length == 0 ? p.Name : $"{prefix}:{p.Name}");
                    break;
                case JsonValueKind.Array:
                    // Lists are not layered element by element: see Bind.
                    break;
                case JsonValueKind.Null:
                    break;
                case JsonValueKind.String:
                    result[prefix] = e.GetString();
                    break;
                default:
                    result[prefix] = e.GetRawText();
                    break;
            }
        }
    }
}
