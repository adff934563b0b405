using System.CommandLine;

namespace AutoRetrain.Cli;

public static partial class Commands
{
    private static Command Config()
    {
        var workdir = CommonOptions.Workdir();
        var project = new Option<string>("--project") { Description = "Project name (the MLflow experiment's default).", DefaultValueFactory = _ => "default" };
        var training = new TrainingOptions();
        var show = new Command("show",
            "Print the effective configuration of watch: every setting, its value, and where it came from (default, autoretrain.json or --config, AUTORETRAIN__ environment variable, command line).")
        {
            workdir, project,
        };
        training.AddTo(show);
        show.SetAction(parse =>
        {
            var configuration = training.Load(parse, Path.GetFullPath(parse.GetValue(workdir)!), DefaultsFor(parse.GetValue(project)!));
            configuration.Bind();
            // One line a setting, so that it reads in a terminal and greps in a script.
            var explained = configuration.Explain();
            int width = explained.Max(e => e.Key.Length);
            foreach (var (key, value, source) in explained)
                Console.WriteLine($"{key.PadRight(width)} = {value}   ({source})");
            return 0;
        });
        return new Command("config", "The local loop's configuration: autoretrain.json in the workspace, AUTORETRAIN__ environment variables, command-line options.")
        {
            show,
        };
    }
}
