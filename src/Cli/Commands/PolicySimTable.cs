using AutoRetrain.Core.Policy.Simulation;

namespace AutoRetrain.Cli;

/// <summary>The readable form of a policy simulation: one row per batch, then the totals.</summary>
internal static class PolicySimTable
{
    public static void Print(PolicySimulationResult result, TextWriter output)
    {
        var drift = result.DriftEvents.ToLookup(e => e.Batch);
        output.WriteLine($"{"batch",5}  {"arrived",-16}  {"new",4}  {"decision",-8}  {"champion AP",11}  reasons");
        foreach (var d in result.Decisions)
        {
            foreach (var e in drift[d.Batch])
                output.WriteLine($"{"",5}  drift event: {e.Kind} \"{e.Class}\"");
            output.WriteLine($"{d.Batch,5}  {d.At:yyyy-MM-dd HH:mm}  {d.NewLabelledTiles,4}  {(d.Retrain ? "RETRAIN" : "wait"),-8}  " +
                             $"{(d.ChampionValidationAp is { } ap ? ap.ToString("0.000") : "-"),11}  {string.Join("; ", d.Reasons)}");
        }
        output.WriteLine();
        output.WriteLine($"trainings: {result.Trainings} (retrain on every batch: {result.EveryBatchTrainings}; " +
                         $"fixed schedule every {result.FixedScheduleEvery} batches: {result.FixedScheduleTrainings})");
        output.WriteLine($"max staleness: {result.MaxStaleness} batches (fixed schedule: {result.FixedScheduleMaxStaleness})");
        foreach (var e in result.DriftEvents)
            output.WriteLine($"  {e.Kind} \"{e.Class}\" at batch {e.Batch}: " +
                             (e.AnsweredAtBatch is { } at ? $"answered by the cycle at batch {at} ({e.Staleness} batches later)" : "never answered"));
    }
}
