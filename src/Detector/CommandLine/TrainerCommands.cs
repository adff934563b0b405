using System.CommandLine;
using AutoRetrain.Core;
using AutoRetrain.Detector.Model;
using AutoRetrain.Detector.Training;

namespace AutoRetrain.Detector.CommandLine;

/// <summary>
/// The trainer's commands, defined once: the container's <c>autoretrain-trainer</c> (Azure ML command job,
/// local backend's child process) and the <c>autoretrain</c> CLI both add them. Exit codes: 0 success,
/// 2 bad arguments or unreadable data/model (the message says which file and what is wrong).
/// </summary>
public static partial class TrainerCommands
{
    public const int Success = 0;
    public const int BadInput = 2;

    public static IEnumerable<Command> All(string evaluateName = "evaluate") => [Train(), Evaluate(evaluateName), Predict()];

    private static Option<string> DeviceOption() => new("--device")
    {
        Description = "cpu, cuda or auto (CUDA when available, else CPU).",
        DefaultValueFactory = _ => "auto",
    };

    private static Option<string> RequiredPath(string name, string description) => new(name) { Description = description, Required = true };

    /// <summary>
    /// Runs a command's action; an <see cref="AutoRetrainException"/> (bad arguments, unreadable data or model)
    /// becomes a message on stderr, an <c>{"event":"error"}</c> line on stdout and exit code 2, in either host.
    /// </summary>
    private static void SetGuardedAction(Command command, Func<ParseResult, int> action) =>
        command.SetAction(parse =>
        {
            try
            {
                return action(parse);
            }
            catch (AutoRetrainException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                ProgressWriter.Console.Write("error", new Dictionary<string, object?> { ["message"] = ex.Message });
                return BadInput;
            }
        });

    /// <summary>Sets libtorch's thread count and resolves the device; every command starts here.</summary>
    private static TorchSharp.torch.Device Prepare(string? device)
    {
        DeviceChoice.ConfigureThreads();
        return DeviceChoice.Resolve(device);
    }
}
