using AutoRetrain.Core;
using AutoRetrain.Detector.Training;
using Microsoft.Extensions.Options;

namespace AutoRetrain.Cli.Configuration;

/// <summary>
/// The local loop's settings checked at start-up, before any work: every value outside its range, keyed as
/// configuration names it (<c>Gate:Confidence</c>). The training section's ranges are the trainer's own
/// (<see cref="TrainerOptions.Problems"/>), the gate's the gate's own (<see cref="Core.Promotion.PromotionGateOptions.Problems"/>);
/// the policy's and the trainer process's are here.
/// </summary>
public sealed class LocalSettingsValidator : IValidateOptions<LocalSettings>
{
    public static readonly string[] Devices = ["cpu", "cuda", "auto"];

    public ValidateOptionsResult Validate(string? name, LocalSettings options)
    {
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(problems.Select(p => $"{p.Key} must be {p.Allowed}, got {p.Value}"));
    }

    public static IEnumerable<SettingProblem> Problems(LocalSettings settings)
    {
        var (cycles, trainer) = settings;
        foreach (var p in TrainerOptions.Problems(cycles.Training))
            yield return p with { Key = "Training:" + char.ToUpperInvariant(p.Key[0]) + p.Key[1..] };

        var policy = cycles.Policy;
        foreach (var p in new[]
        {
            AtLeast("Policy:MinInitialLabelledTiles", policy.MinInitialLabelledTiles, 0),
            AtLeast("Policy:NewTilesThreshold", policy.NewTilesThreshold, 1),
            Fraction("Policy:NewTileFractionThreshold", policy.NewTileFractionThreshold),
            Fraction("Policy:RareClassMaxShare", policy.RareClassMaxShare),
            AtLeast("Policy:RareClassNewObjects", policy.RareClassNewObjects, 0),
            NotNegative("Policy:RareClassMinGrowth", policy.RareClassMinGrowth),
            Fraction("Policy:ShiftThreshold", policy.ShiftThreshold),
            AtLeast("Policy:MinObjectsForShift", policy.MinObjectsForShift, 0),
            Fraction("Policy:PerformanceDropDelta", policy.PerformanceDropDelta),
            Positive("Policy:MaxStaleness", policy.MaxStaleness),
            NotNegative("Policy:Cooldown", policy.Cooldown),
            NotNegative("Policy:GpuHoursPerWindow", policy.GpuHoursPerWindow),
            Positive("Policy:BudgetWindow", policy.BudgetWindow),
            Positive("Policy:CheckInterval", policy.CheckInterval),
        }.OfType<SettingProblem>()) yield return p;

        foreach (var p in cycles.Gate.Problems()) yield return p;
        foreach (var p in new[]
        {
            AtLeast("Candidates", cycles.Candidates, 1),
            AtLeast("DriftMinTiles", cycles.DriftMinTiles, 1),
            AtLeast("DriftMaxTiles", cycles.DriftMaxTiles, Math.Max(1, cycles.DriftMinTiles)),
            AtLeast("DriftBootstrapResamples", cycles.DriftBootstrapResamples, 1),
            cycles.Strategies.Count > 0 ? null : new SettingProblem("Strategies", "an empty list", "at least one sampling strategy"),
            string.IsNullOrWhiteSpace(cycles.Experiment) ? new SettingProblem("Experiment", "an empty name", "a name") : null,
            AtLeast("Trainer:BatchSize", trainer.BatchSize, 1),
            Devices.Contains(trainer.Device, StringComparer.OrdinalIgnoreCase) ? null
                : new SettingProblem("Trainer:Device", trainer.Device, string.Join(", ", Devices[..^1]) + " or " + Devices[^1]),
        }.OfType<SettingProblem>()) yield return p;
    }

    private static SettingProblem? AtLeast(string key, int? value, int min) =>
        value is { } v && v < min ? new(key, SettingProblem.Text(v), min == 0 ? "0 or more" : $"at least {min}") : null;

    private static SettingProblem? Fraction(string key, double? value) =>
        value is { } v && !(v >= 0 && v <= 1) ? new(key, SettingProblem.Text(v), "in [0, 1]") : null;

    private static SettingProblem? NotNegative(string key, double? value) =>
        value is { } v && !(v >= 0 && double.IsFinite(v)) ? new(key, SettingProblem.Text(v), "0 or positive") : null;

    private static SettingProblem? NotNegative(string key, TimeSpan value) =>
        value < TimeSpan.Zero ? new(key, value.ToString(), "0 or a positive duration (hh:mm:ss or d.hh:mm:ss)") : null;

    private static SettingProblem? Positive(string key, TimeSpan? value) =>
        value is { } v && v <= TimeSpan.Zero ? new(key, v.ToString(), "a positive duration (hh:mm:ss or d.hh:mm:ss)") : null;
}
