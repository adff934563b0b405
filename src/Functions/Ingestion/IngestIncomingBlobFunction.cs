using Azure.Storage.Blobs;
using AutoRetrain.Core.Ports;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace AutoRetrain.Functions.Ingestion;

/// <summary>
/// The blob trigger on <c>incoming</c> for images and their label sidecars alike (the ingestion service tells them
/// apart). Event Grid source, as Flex Consumption requires; the Bicep's Event Grid subscription targets this name.
/// </summary>
public sealed class IngestIncomingBlobFunction(BlobIngestionHandler handler)
{
    [Function(nameof(IngestIncomingBlob))]
    public Task IngestIncomingBlob(
        [BlobTrigger(Containers.Incoming + "/{name}", Source = BlobTriggerSource.EventGrid, Connection = ServiceRegistration.PipelineStorage)]
        BlobClient blob,
        [DurableClient] DurableTaskClient durable,
        CancellationToken ct) =>
        handler.HandleAsync(blob, durable, ct);
}
