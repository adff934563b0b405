using TorchSharp;

namespace AutoRetrain.Detector.Model;

/// <summary>
/// The constants the detector passes to TorchSharp operations, each one native <see cref="Scalar"/> held for the life of
/// the process. TorchSharp 0.107 turns a number passed to an operation (<c>1 - p</c>, <c>clamp(0, 1)</c>, an in-place
/// sum's alpha) into a temporary Scalar that only its finaliser frees, and nothing keeps it alive during the native
/// call: a collection started by another thread (a web server, a progress display, a memory sampler) can free it under
/// the call, and the operation reads freed memory ("Expected false to be true" from <c>c10::Scalar::toFloat</c>, or a
/// wrong value). A value known only at run time is made with <c>ToScalar()</c> into a <c>using</c> variable, which stays
/// alive until after the call. <c>TemporaryScalarTests</c> reads the compiled detector for any other kind.
/// </summary>
internal static class HeldScalars
{
    public static readonly Scalar OneHalf = 0.5.ToScalar();
    public static readonly Scalar Zero = 0.ToScalar();
    public static readonly Scalar One = 1.ToScalar();
    public static readonly Scalar Two = 2.ToScalar();
    public static readonly Scalar Four = 4.ToScalar();

    /// <summary>a + b. TorchSharp's <c>a + b</c> and <c>add(b)</c> pass a temporary alpha of 1.</summary>
    public static torch.Tensor Plus(torch.Tensor a, torch.Tensor b) => a.add(b, One);

    /// <summary>1 − t. TorchSharp's <c>1 - t</c>, even with a held 1, makes a temporary Scalar.</summary>
    public static torch.Tensor OneMinus(torch.Tensor t) => t.neg().add_(One, One);
}
