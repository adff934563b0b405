namespace AutoRetrain.Detector.Data;

/// <summary>Per-channel mean and standard deviation applied to pixels scaled to [0, 1]; recorded in the artefact.</summary>
public sealed record Normalisation(float[] Mean, float[] Std)
{
    public static Normalisation Default { get; } = new([0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]);
}
