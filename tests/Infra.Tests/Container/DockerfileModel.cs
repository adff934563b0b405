using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace AutoRetrain.Infra.Tests.Container;

/// <summary>
/// Just enough of a Dockerfile's meaning to say which files a stage's image holds and how a command's first word
/// resolves in it: stages (FROM ... AS), WORKDIR, ENV PATH, ENTRYPOINT/CMD, <c>COPY --from</c>, <c>RUN ln -s</c>
/// and <c>RUN dotnet publish ... -o</c> (which writes the project's apphost and dll). No Docker engine runs here.
/// </summary>
public sealed partial class DockerfileModel
{
    /// <summary>PATH of the Ubuntu base images when nothing sets it.</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public sealed class Stage
    {
        public required string Name { get; init; }
        public string WorkDir { get; set; } = "/";
        public string Path { get; set; } = DefaultPath;
        public List<string>? EntryPoint { get; set; }
        public List<string>? Cmd { get; set; }
        public HashSet<string> Files { get; } = new(StringComparer.Ordinal);
    }

    public IReadOnlyList<Stage> Stages { get; }
    public Stage Final => Stages[^1];

    private DockerfileModel(IReadOnlyList<Stage> stages) => Stages = stages;

    /// <param name="text">The Dockerfile.</param>
    /// <param name="repositoryRoot">The build context, to read a published project's assembly name.</param>
    public static DockerfileModel Parse(string text, string repositoryRoot)
    {
        var stages = new List<Stage>();
        foreach (var line in Instructions(text))
        {
            var (op, args) = (line.Split(' ', 2)[0].ToUpperInvariant(), line.Contains(' ') ? line.Split(' ', 2)[1].Trim() : "");
            if (op == "FROM")
            {
                var parts = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                stages.Add(new Stage { Name = parts.Length >= 3 && parts[^2].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[^1] : $"stage{stages.Count}" });
                continue;
            }
            if (stages.Count == 0) continue;
            var stage = stages[^1];
            switch (op)
            {
                case "WORKDIR":
                    stage.WorkDir = Absolute(stage, args);
                    break;
                case "ENV":
                    foreach (Match m in EnvPair().Matches(args))
                        if (m.Groups["name"].Value == "PATH")
                            stage.Path = m.Groups["value"].Value.Trim('"').Replace("${PATH}", stage.Path).Replace("$PATH", stage.Path);
                    break;
                case "ENTRYPOINT":
                    stage.EntryPoint = ExecForm(args);
                    break;
                case "CMD":
                    stage.Cmd = ExecForm(args);
                    break;
                case "COPY" when args.StartsWith("--from=", StringComparison.Ordinal):
                    var words = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var source = stages.FirstOrDefault(s => s.Name == words[0]["--from=".Length..]);
                    if (source is null) break; // an external image: its files are not modelled
                    string from = words[1].TrimEnd('/'), to = Absolute(stage, words[^1]).TrimEnd('/');
                    foreach (var file in source.Files.Where(f => f.StartsWith(from + "/", StringComparison.Ordinal)))
                        stage.Files.Add(to + file[from.Length..]);
                    break;
                case "RUN":
                    foreach (var command in args.Split("&&").Select(c => c.Trim()))
                        Run(stage, command, repositoryRoot);
                    break;
            }
        }
        return new DockerfileModel(stages);
    }

    /// <summary>Where a command's first word resolves in the stage's image as a shell would find it, or null.</summary>
    public static string? Resolve(Stage stage, string word)
    {
        if (word.Contains('/')) return stage.Files.Contains(Absolute(stage, word)) ? Absolute(stage, word) : null;
        return stage.Path.Split(':').Select(dir => $"{dir.TrimEnd('/')}/{word}").FirstOrDefault(stage.Files.Contains);
    }

    private static void Run(Stage stage, string command, string repositoryRoot)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words is ["ln", "-s", _, var link, ..]) stage.Files.Add(Absolute(stage, link));
        if (words is ["dotnet", "publish", var project, ..])
        {
            int o = Array.FindIndex(words, w => w is "-o" or "--output");
            if (o < 0) return;
            string output = Absolute(stage, words[o + 1]);
            var csproj = XDocument.Load(Path.Combine(repositoryRoot, project));
            string assembly = csproj.Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(project);
            stage.Files.Add($"{output}/{assembly}.dll");
            if (!words.Contains("-p:UseAppHost=false")) stage.Files.Add($"{output}/{assembly}");
        }
    }

    private static string Absolute(Stage stage, string path) =>
        path.StartsWith('/') ? path : path is "." or "./" ? stage.WorkDir : $"{stage.WorkDir.TrimEnd('/')}/{path.TrimStart('.', '/')}";

    private static List<string> ExecForm(string args) => args.StartsWith('[')
        ? System.Text.Json.JsonSerializer.Deserialize<List<string>>(args)!
        : ["/bin/sh", "-c", args];

    /// <summary>Instructions with continuation lines joined and comments dropped.</summary>
    private static IEnumerable<string> Instructions(string text)
    {
        var current = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#')) continue;
            if (line.EndsWith('\\')) { current += line[..^1] + " "; continue; }
            current += line;
            if (current.Trim().Length > 0) yield return Regex.Replace(current.Trim(), @"\s+", " ");
            current = "";
        }
    }

    [GeneratedRegex(@"(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>""[^""]*""|\S+)")]
    private static partial Regex EnvPair();
}
