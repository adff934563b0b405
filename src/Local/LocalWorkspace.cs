using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Ingestion;
using AutoRetrain.Core.Ports;
using AutoRetrain.Local.Ledger;
using AutoRetrain.Local.Storage;

namespace AutoRetrain.Local;

/// <summary>
/// The local embedded default's folder: the containers as sub-folders (<c>incoming/</c>, <c>datasets/</c>,
/// <c>quarantine/</c>, <c>models/</c>, <c>runs/</c>), the SQLite ledger <c>ledger.db</c>, MLflow's <c>mlruns/</c>.
/// </summary>
public sealed class LocalWorkspace
{
    public const string DefaultRoot = "data";

    public string Root { get; }
    public FolderArtifactStore Store { get; }
    public SqliteDatabase Database { get; }
    public SqliteTileLedger Ledger { get; }
    public SqliteCycleStore Cycles { get; }
    public SqliteModelRegistryStore Registry { get; }
    public SqliteSampleLedgerStore SampleLedger { get; }
    public string IncomingFolder => Path.Combine(Root, Containers.Incoming);
    public string MlrunsFolder => Path.Combine(Root, "mlruns");

    public LocalWorkspace(string root)
    {
        Root = Path.GetFullPath(root);
        Store = new FolderArtifactStore(Root);
        Database = SqliteDatabase.For(Path.Combine(Root, "ledger.db"));
        Ledger = new SqliteTileLedger(Database);
        Cycles = new SqliteCycleStore(Database);
        Registry = new SqliteModelRegistryStore(Database);
        SampleLedger = new SqliteSampleLedgerStore(Database);
    }

    public IngestionService CreateIngestion(IngestionOptions? options = null) => new(Store, Ledger, ImageInspector.Instance, options: options);
}
