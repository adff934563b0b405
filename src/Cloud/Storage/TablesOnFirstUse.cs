using Azure.Data.Tables;

namespace AutoRetrain.Cloud.Storage;

/// <summary>Tables that are created (when absent) once, on first use, however many callers arrive together.</summary>
internal sealed class TablesOnFirstUse(params TableClient[] tables)
{
    private readonly Lazy<Task> _created = new(() => Task.WhenAll(tables.Select(t => t.CreateIfNotExistsAsync())));

    public Task ReadyAsync(CancellationToken ct) => _created.Value.WaitAsync(ct);
}
