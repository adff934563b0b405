using AutoRetrain.Local.Watching;

namespace AutoRetrain.Core.Tests.Local;

/// <summary>
/// The watcher's reads and deletes resolve beneath the watched folder with no link on the way: a sub-folder swapped
/// for a link to somewhere else (the race between the survey and the open) is refused, and what lies behind the link
/// is neither read nor deleted.
/// </summary>
public sealed class FileProbeTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "autoretrain-tests", Guid.NewGuid().ToString("N"));
    private string Watched => Path.Combine(_root, "watched");
    private string Outside => Path.Combine(_root, "outside");

    public FileProbeTests()
    {
        Directory.CreateDirectory(Path.Combine(Watched, "day-1"));
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Watched, "day-1", "a.png"), "inside");
        File.WriteAllText(Path.Combine(Outside, "a.png"), "outside, the user's");
        // day-2 was a folder when the watcher surveyed it; now it is a link to a folder elsewhere.
        Directory.CreateSymbolicLink(Path.Combine(Watched, "day-2"), Outside);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void OpenRegularBeneath_FileInASubFolder_ReadsIt()
    {
        using var handle = FileProbe.OpenRegularBeneath(Watched, "day-1/a.png");
        Assert.Equal("inside".Length, RandomAccess.GetLength(handle));
    }

    [Fact]
    public void OpenRegularBeneath_SubFolderSwappedForALink_RefusedNotFollowed()
    {
        var ex = Assert.Throws<IOException>(() => FileProbe.OpenRegularBeneath(Watched, "day-2/a.png"));
        Assert.Contains("day-2/a.png", ex.Message);
    }

    [Fact]
    public void DeleteBeneath_SubFolderSwappedForALink_NothingOutsideDeleted()
    {
        Assert.Throws<IOException>(() => FileProbe.DeleteBeneath(Watched, "day-2/a.png"));
        Assert.Equal("outside, the user's", File.ReadAllText(Path.Combine(Outside, "a.png")));
    }

    [Fact]
    public void DeleteBeneath_FileInASubFolder_RemovedAndAGoneFileIsNoError()
    {
        FileProbe.DeleteBeneath(Watched, "day-1/a.png");
        Assert.False(File.Exists(Path.Combine(Watched, "day-1", "a.png")));
        FileProbe.DeleteBeneath(Watched, "day-1/a.png");
        FileProbe.DeleteBeneath(Watched, "day-9/a.png");
    }

    [Fact]
    public void OpenRegularBeneath_DotDotOutOfTheFolder_Refused() =>
        Assert.ThrowsAny<IOException>(() => FileProbe.OpenRegularBeneath(Watched, "../outside/a.png"));
}
