using AutoRetrain.Cli.Hosting;
using AutoRetrain.Core;
using AutoRetrain.Imagery.Rasters;

namespace AutoRetrain.Cli.Tests;

/// <summary>The workspace is never eaten, created by mistake or emptied without being the demo's own.</summary>
public sealed class WorkspaceProtectionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("autoretrain-cli-protect-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task<string> MakeWorkspaceWithOneTileAsync()
    {
        string ws = Path.Combine(_root, "ws");
        Directory.CreateDirectory(Path.Combine(ws, "incoming"));
        File.WriteAllBytes(Path.Combine(ws, "incoming", "a.png"), ImageWriter.EncodePng(8, 8, new byte[8 * 8 * 3]));
        Assert.Equal(0, await CliApp.RunAsync(["watch", "--once", "--ingest-only", "--workdir", ws]));
        return ws;
    }

    private static string Listing(string folder) => string.Join("\n",
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(p => $"{p} {(File.Exists(p) ? new FileInfo(p).Length : -1)}"));

    [Theory]
    [InlineData("")]
    [InlineData("datasets")]
    [InlineData("..")]
    public async Task Watch_FolderThatIsContainsOrLiesInsideTheStore_RefusedStoreUntouched(string relative)
    {
        string ws = await MakeWorkspaceWithOneTileAsync();
        string before = Listing(ws);

        int exit = await CliApp.RunAsync(["watch", Path.GetFullPath(Path.Combine(ws, relative)), "--once", "--ingest-only", "--workdir", ws]);

        Assert.Equal(2, exit);
        Assert.Equal(before, Listing(ws));
    }

    [Fact]
    public async Task Watch_WorkspaceAsFolderByDefault_IngestsIncomingOnly()
    {
        string ws = await MakeWorkspaceWithOneTileAsync();
        Assert.True(File.Exists(Path.Combine(ws, "ledger.db")));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(ws, "datasets"), "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("status")]
    [InlineData("report")]
    [InlineData("watch")]
    public async Task Command_WorkspaceThatDoesNotExist_ErrorNothingCreated(string command)
    {
        string missing = Path.Combine(_root, "typo");

        int exit = await CliApp.RunAsync([command, "--workdir", missing]);

        Assert.Equal(2, exit);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task Watch_FolderThatDoesNotExist_ErrorNothingCreated()
    {
        string ws = await MakeWorkspaceWithOneTileAsync();
        string missing = Path.Combine(_root, "no-such-incoming");

        Assert.Equal(2, await CliApp.RunAsync(["watch", missing, "--once", "--ingest-only", "--workdir", ws]));
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void DemoWorkdir_FolderWithUserData_RefusedAndKept()
    {
        string dir = Path.Combine(_root, "precious");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "thesis.tex"), "years of work");

        Assert.Throws<AutoRetrainException>(() => DemoWorkdir.Prepare(dir));
        Assert.Equal("years of work", File.ReadAllText(Path.Combine(dir, "thesis.tex")));
    }

    [Fact]
    public void DemoWorkdir_FolderAnEarlierDemoMade_Cleared()
    {
        string dir = Path.Combine(_root, "demo");
        DemoWorkdir.Prepare(dir);
        File.WriteAllText(Path.Combine(dir, "ledger.db"), "old run");

        DemoWorkdir.Prepare(dir);

        Assert.Equal([DemoWorkdir.MarkerName], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void WatchHelp_SaysIngestedFilesMoveIntoTheStore()
    {
        var watch = CliApp.Build().Subcommands.Single(c => c.Name == "watch");
        Assert.Contains("move out of the watched folder into the workspace's store", watch.Description);
    }
}
