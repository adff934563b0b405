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

    private static Option<int> ViewsOption() => new("--views")
    {
        Description = "Views of each chip averaged (test-time augmentation): 1, 2 (flip), 4 (flips) or 8 (flips and transposes); each costs a forward pass.",
        DefaultValueFactory = _ => 1,
    };

    private static Option<string> ScalesOption() => new("--scales")
    {
        Description = "Test-time scales, comma-separated multiples of the model's scale (e.g. 1,1.5): the scene is read at each "
            + "and all detections go through one NMS; a scale f costs about f² of the forward passes of scale 1.",
        DefaultValueFactory = _ => "1",
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
            catch (Exception ex) when (BadInputMessage(ex) is { } message)
            {
                message = Core.Ports.StoreKeys.Printable(message);
                Console.Error.WriteLine($"error: {message}");
                ProgressWriter.Console.Write("error", new Dictionary<string, object?> { ["message"] = message });
                return BadInput;
            }
        });

    /// <summary>
    /// The message when <paramref name="ex"/> is bad input rather than a defect: a domain error (also when parallel
    /// loading wrapped it in an <see cref="AggregateException"/>), or a file that cannot be read. Null otherwise.
    /// </summary>
    internal static string? BadInputMessage(Exception ex) => ex switch
    {
        AutoRetrainException domain => domain.Message,
        AggregateException { InnerExceptions.Count: > 0 } many => BadInputMessage(many.Flatten().InnerExceptions[0]),
        UnauthorizedAccessException or FileNotFoundException or DirectoryNotFoundException => ex.Message,
        _ => null,
    };

    /// <summary>Refuses an output path that names an existing entry of the wrong kind, before any work is done.</summary>
    private static void EnsureWritable(string option, string path, bool folder)
    {
        if (folder && File.Exists(path))
            throw new AutoRetrainException($"{option} {path}: a file of that name exists; give a folder to write the output into.");
        if (!folder && Directory.Exists(path))
            throw new AutoRetrainException($"{option} {path}: a folder of that name exists; give a file name.");
    }

    /// <summary>Sets libtorch's thread count and resolves the device; every command starts here.</summary>
    private static TorchSharp.torch.Device Prepare(string? device)
    {
        DeviceChoice.ConfigureThreads();
        return DeviceChoice.Resolve(device);
    }
}
