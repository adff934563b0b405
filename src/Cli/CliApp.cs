using System.CommandLine;
using AutoRetrain.Core;

namespace AutoRetrain.Cli;

/// <summary>The <c>autoretrain</c> command tree. Each command lives in Commands/, one per file.</summary>
public static class CliApp
{
    public static RootCommand Build()
    {
        var root = new RootCommand("AutoRetrain: keeps an overhead-imagery object detector up to date as labelled imagery arrives.");
        foreach (var command in Commands.All())
            root.Subcommands.Add(command);
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            // System.CommandLine would otherwise print the stack trace of every exception itself.
            return await Build().Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (AutoRetrainException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 2;
        }
    }
}
