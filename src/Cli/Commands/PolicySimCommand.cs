using System.CommandLine;
using AutoRetrain.Core;
using AutoRetrain.Core.Policy;
using AutoRetrain.Core.Policy.Simulation;

namespace AutoRetrain.Cli;

public static partial class Commands
{
    private static Command PolicySim()
    {
        var batches = new Option<int>("--batches") { Description = "Number of labelled batches in the generated stream (two drift events are placed at 1/3 and 2/3 of it).", DefaultValueFactory = _ => 60 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generated stream; the same seed replays the same run.", DefaultValueFactory = _ => 1 };
        var fixedEvery = new Option<int>("--fixed-every") { Description = "Period in batches of the fixed schedule the policy is compared with.", DefaultValueFactory = _ => 4 };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object instead of a table." };

        var command = new Command("policy-sim", "Replay a generated stream of labelled batches with drift through the retrain policy, without training, and compare it with retraining on every batch and with a fixed schedule.");
        command.Options.Add(batches);
        command.Options.Add(seed);
        command.Options.Add(fixedEvery);
        command.Options.Add(json);
        command.SetAction(parseResult =>
        {
            if (parseResult.GetValue(batches) < 1 || parseResult.GetValue(fixedEvery) < 1)
            {
                Console.Error.WriteLine("error: --batches and --fixed-every must be at least 1.");
                return 2;
            }
            var simulator = new PolicySimulator(new RetrainPolicyOptions(), new TrainingSurrogate(), parseResult.GetValue(fixedEvery));
            var result = simulator.Run(new DriftStreamOptions { Batches = parseResult.GetValue(batches), Seed = parseResult.GetValue(seed) });
            if (parseResult.GetValue(json))
                Console.WriteLine(Json.Serialize(result));
            else
                PolicySimTable.Print(result, Console.Out);
            return 0;
        });
        return command;
    }
}
