namespace AutoRetrain.Detector.Tests;

/// <summary>The build-time patcher of build/MarkGlibcxxVersionWeak.cs, on the real native libraries in this output.</summary>
public class ElfVersionPatcherTests
{
    private const string Version = "GLIBCXX_3.4.32";
    private static readonly string NativeFolder = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
    private static string TorchSharpNative => Path.Combine(NativeFolder, "libLibTorchSharp.so");

    [Fact]
    public void Find_BuildOutputCopy_IsAlreadyWeak()
    {
        var (outcome, _) = ElfVersionPatcher.Find(File.ReadAllBytes(TorchSharpNative), Version, TorchSharpNative);
        Assert.Equal(ElfPatchOutcome.AlreadyWeak, outcome);
    }

    [Fact]
    public void MarkWeak_UnpatchedCopy_PatchesOnceThenIsIdempotent()
    {
        string copy = Path.Combine(Path.GetTempPath(), $"elf-{Guid.NewGuid():N}.so");
        try
        {
            byte[] bytes = File.ReadAllBytes(TorchSharpNative);
            var (_, flagsOffset) = ElfVersionPatcher.Find(bytes, Version, copy);
            bytes[flagsOffset] &= unchecked((byte)~0x2);
            File.WriteAllBytes(copy, bytes);

            Assert.Equal(ElfPatchOutcome.Patched, ElfVersionPatcher.MarkWeak(copy, Version));
            byte[] once = File.ReadAllBytes(copy);
            Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionPatcher.MarkWeak(copy, Version));
            Assert.Equal(once, File.ReadAllBytes(copy));
            Assert.Equal(bytes.Length, once.Length);
            Assert.Equal(1, bytes.Zip(once).Count(p => p.First != p.Second));
        }
        finally { File.Delete(copy); }
    }

    [Fact]
    public void MarkWeak_LibraryWithoutTheVersion_LeavesItUntouched()
    {
        string libc10 = Path.Combine(NativeFolder, "libc10.so");
        byte[] before = File.ReadAllBytes(libc10);
        var (outcome, _) = ElfVersionPatcher.Find(before, Version, libc10);
        Assert.Equal(ElfPatchOutcome.VersionAbsent, outcome);
    }

    [Fact]
    public void Find_NotAnElfFile_Throws()
    {
        Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.Find(new byte[128], Version, "zeros"));
    }
}
