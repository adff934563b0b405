using AutoRetrain.Imagery.Formats;

namespace AutoRetrain.Imagery.Tests.Formats;

public class SafeNamesTests
{
    [Theory]
    [InlineData("a.png")]
    [InlineData("train/a.png")]
    [InlineData("a..b.png")]
    [InlineData(".hidden.png")]
    public void Problem_RelativeName_Accepted(string name) => Assert.Null(SafeNames.Problem(name));

    [Theory]
    [InlineData("")]
    [InlineData("../a.png")]
    [InlineData("..\\a.png")]
    [InlineData("x/../../a.png")]
    [InlineData("/etc/passwd")]
    [InlineData("\\\\server\\share\\a.png")]
    [InlineData("C:/images/a.png")]
    [InlineData("a\u0000.png")]
    [InlineData("a\n.png")]
    [InlineData("train/")]
    [InlineData("train//a.png")]
    [InlineData("train\\a.png")]
    [InlineData("./a.png")]
    public void Problem_UnsafeName_Refused(string name) => Assert.NotNull(SafeNames.Problem(name));

    [Fact]
    public void Inside_NameLeavingTheFolder_Null()
    {
        var folder = Path.Combine(Path.GetTempPath(), "images");
        Assert.Null(SafeNames.Inside(folder, "../images-other/a.png"));
        Assert.Equal(Path.Combine(folder, "sub", "a.png"), SafeNames.Inside(folder, "sub/a.png"));
    }

    [Fact]
    public void FileNameOf_NameWithFolders_LastPart() => Assert.Equal("a.png", SafeNames.FileNameOf("train/x/a.png"));
}
