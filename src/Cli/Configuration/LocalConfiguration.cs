using System.Text.Json;
using AutoRetrain.Core;
using AutoRetrain.Local.Training;
using AutoRetrain.Orchestration.Steps;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;

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
    private readonly IReadOnlyDictionary<string, string> _optionNames;

    private LocalConfiguration(IConfigurationRoot root, IConfigurationProvider defaults, IConfigurationProvider commandLine, string? file,
        LocalSettings defaultSettings, IReadOnlyDictionary<string, string>? optionNames)
    {
        (_root, _defaults, _commandLine, _file, _defaultSettings) = (root, defaults, commandLine, file, defaultSettings);
        _optionNames = optionNames ?? new Dictionary<string, string>();
    }

    /// <param name="workdir">Workspace whose <c>autoretrain.json</c> is read when present.</param>
    /// <param name="configFile">A file to read instead (must exist).</param>
    /// <param name="defaults">The command's own defaults.</param>
    /// <param name="commandLine">Values of the command-line options, by configuration key (null: option absent).</param>
    /// <param name="optionNames">The option that sets each configuration key (<c>Training:Epochs</c>: <c>--epochs</c>), for errors.</param>
    public static LocalConfiguration Load(string? workdir, string? configFile, LocalSettings defaults,
        IReadOnlyDictionary<string, string?> commandLine, IReadOnlyDictionary<string, string>? optionNames = null)
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
        return new LocalConfiguration(root, root.Providers.First(), root.Providers.Last(), file, defaults, optionNames);
    }

    /// <summary>
    /// The effective settings, checked before any work starts: an unknown key, a value of the wrong type and a value
    /// outside its range (<see cref="LocalSettingsValidator"/>, the options validation of Microsoft.Extensions.Options)
    /// are each named with the value, where it came from and what is allowed; all of them at once.
    /// </summary>
    public LocalSettings Bind()
    {
        var problems = UnknownKeys().ToList();
        LocalSettings settings;
        try
        {
            var cycles = _root.Get<CycleStepsOptions>(o => o.ErrorOnUnknownConfiguration = false) ?? new CycleStepsOptions();
            // A list is replaced as a whole by the last layer that gives one (the binder would append it to the default).
            cycles = cycles with { Strategies = StrategiesSection()?.Get<string[]>() ?? _defaultSettings.Cycles.Strategies };
            var trainer = _root.GetSection(TrainerSection).Get<TrainerSettings>() ?? new TrainerSettings();
            settings = new LocalSettings(cycles, trainer);
        }
        catch (InvalidOperationException ex) when (WrongType(ex) is { } problem)
        {
            throw Invalid([.. problems, problem]);
        }
        catch (InvalidOperationException ex)
        {
            throw new AutoRetrainException($"configuration: {ex.Message} (sources: {string.Join(", ", Sources())}).");
        }
        if (new LocalSettingsValidator().Validate(Options.DefaultName, settings).Failed) problems.AddRange(LocalSettingsValidator.Problems(settings));
        return problems.Count == 0 ? settings : throw Invalid(problems);
    }

    /// <summary>One error for all the problems, each with its value's source, so that one fix-and-rerun settles them.</summary>
    private AutoRetrainException Invalid(IReadOnlyList<SettingProblem> problems) =>
        new($"the configuration is not valid ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}); nothing was started:\n"
            + string.Join("\n", problems.Select(p => $"  {p.Key} = {p.Value} ({Where(p.Key)}): must be {p.Allowed}")));

    /// <summary>Where a key's effective value came from, naming the option for a command-line value.</summary>
    private string Where(string key)
    {
        string source = SourceOf(key);
        return source == "command line" && _optionNames.TryGetValue(key, out var option) ? $"command line {option}" : source;
    }

    /// <summary>Keys given by the file, the environment or the command line that no setting has (a typo, or a key of another host).</summary>
    private IEnumerable<SettingProblem> UnknownKeys()
    {
        var known = KnownKeys(typeof(CycleStepsOptions), "").Concat(KnownKeys(typeof(TrainerSettings), TrainerSection))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in _root.AsEnumerable().Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (known.Contains(key) || SourceOf(key) == "default") continue;
            // A list's elements: Strategies:0, Strategies:1, ...
            int colon = key.LastIndexOf(':');
            if (colon > 0 && int.TryParse(key[(colon + 1)..], out _) && known.Contains(key[..colon] + ":*")) continue;
            string? near = known.Where(k => !k.EndsWith(":*", StringComparison.Ordinal))
                .MinBy(k => Distance(k.ToLowerInvariant(), key.ToLowerInvariant()));
            bool close = near is not null && Distance(near.ToLowerInvariant(), key.ToLowerInvariant()) <= 3;
            yield return new SettingProblem(key, value!, close ? $"a known setting (did you mean {near}?)" : "a known setting (see `autoretrain config show`)");
        }
    }

    /// <summary>Every configuration key of an options type: its properties, sections by nesting, a list as <c>Key:*</c>.</summary>
    private static IEnumerable<string> KnownKeys(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (!property.CanWrite) continue;
            string key = prefix.Length == 0 ? property.Name : $"{prefix}:{property.Name}";
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan)) yield return key;
            else if (t != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(t)) yield return key + ":*";
            else foreach (var nested in KnownKeys(t, key)) yield return nested;
        }
    }

    /// <summary>The binder's "Failed to convert configuration value at 'Key' to type 'T'" as a problem with its source.</summary>
    private SettingProblem? WrongType(InvalidOperationException ex)
    {
        var match = System.Text.RegularExpressions.Regex.Match(ex.Message, "at '([^']+)' to type '([^']+)'");
        if (!match.Success) return null;
        string key = match.Groups[1].Value;
        var type = Type.GetType(match.Groups[2].Value);
        string allowed = type is null ? $"a {match.Groups[2].Value}"
            : type == typeof(int) || type == typeof(long) ? "a whole number"
            : type == typeof(double) || type == typeof(float) ? "a number"
            : type == typeof(bool) ? "true or false"
            : type == typeof(TimeSpan) ? "a duration (hh:mm:ss or d.hh:mm:ss)"
            : type.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(type))
            : $"a {type.Name}";
        return new SettingProblem(key, _root[key] ?? "", allowed);
    }

    private static int Distance(string a, string b)
    {
        var d = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) d[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = d[0];
            d[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = d[j];
                d[j] = Math.Min(Math.Min(d[j] + 1, d[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return d[b.Length];
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
