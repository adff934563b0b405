using AutoRetrain.Core.Labels;

namespace AutoRetrain.Core.Ingestion;

/// <summary>
/// The machine-readable reason file written beside a quarantined input
/// (<c>quarantine/&lt;key&gt;.reason.json</c>).
/// </summary>
public sealed record QuarantineReason(
    string SourceName,
    string Sha256,
    long SizeBytes,
    DateTimeOffset At,
    ProblemCode Code,
    IReadOnlyList<LabelProblem> Problems,
    bool ContentStored = true)
{
    public const string Suffix = ".reason.json";
}
