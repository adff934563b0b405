using AutoRetrain.Detector.Model;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Bench;

/// <summary>
/// The evidence behind <see cref="DetectorArchitecture.PadsChannels"/>: with the heap mitigation off, the heap is
/// filled with freed NaN buffers of activation sizes before each forward and backward of every known architecture,
/// and the tries whose output or gradients hold a NaN are counted. A kernel that reads memory it never wrote shows up
/// as NaN; one that does not never does.
/// </summary>
internal static class HeapCheck
{
    public static Dictionary<string, object?> Run(int tries, int input, int batch)
    {
        Environment.SetEnvironmentVariable(NativeHeap.OverrideVariable, "never");
        var perArchitecture = new Dictionary<string, object?>();
        foreach (var architecture in DetectorArchitecture.Known)
        {
            using var model = new CenterNet(architecture, 2);
            model.train();
            int nanForwards = 0, nanBackwards = 0;
            for (int i = 0; i < tries; i++)
            {
                Poison(batch, input);
                using var scope = NewDisposeScope();
                var output = model.call(randn(batch, 3, input, input));
                if (isnan(output).any().item<bool>()) nanForwards++;
                output.sum().backward();
                if (model.parameters().Any(p => p.grad is { } g && isnan(g).any().item<bool>())) nanBackwards++;
                model.zero_grad();
            }
            perArchitecture[architecture.Name] = new Dictionary<string, object?>
            {
                ["padsChannels"] = architecture.PadsChannels, ["tries"] = tries,
                ["nanForwards"] = nanForwards, ["nanGradients"] = nanBackwards,
            };
            Console.WriteLine($"{architecture.Name}: NaN forward in {nanForwards} of {tries}, NaN gradients in {nanBackwards} of {tries}");
        }
        return new Dictionary<string, object?>
        {
            ["input"] = input, ["batch"] = batch, ["oneDnnPrimitiveCache"] = Environment.GetEnvironmentVariable("ONEDNN_PRIMITIVE_CACHE_CAPACITY") ?? "default",
            ["architectures"] = perArchitecture,
        };
    }

    /// <summary>Allocates and frees NaN-filled buffers of the sizes activations take, so the allocator hands them out next.</summary>
    private static void Poison(int batch, int input)
    {
        foreach (long channels in new long[] { 8, 12, 16, 24, 32, 48, 64, 96, 128, 256 })
            for (long side = input / 2; side >= 4; side /= 2)
                using (full(new long[] { batch, channels, side, side }, float.NaN)) { }
    }
}
