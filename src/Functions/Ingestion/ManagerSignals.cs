using AutoRetrain.Orchestration;
using AutoRetrain.Orchestration.Arrival;
using Microsoft.DurableTask.Client;

namespace AutoRetrain.Functions.Ingestion;

/// <summary>The shared arrival path (<see cref="ArrivalNotifier"/>) on the function app's Durable client: the blob trigger and the repair timer.</summary>
public static class ManagerSignals
{
    /// <summary>A manager this path starts begins blank and rebuilds its state from the stores itself (its first activity).</summary>
    public static ArrivalNotifier Arrivals(DurableTaskClient durable, PipelineOptions options) =>
        new(new CycleManagerClient(durable), options.Project, _ => Task.FromResult(options.InitialManagerState()));
}
