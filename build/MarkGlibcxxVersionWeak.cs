// Compiled by MSBuild's RoslynCodeTaskFactory (build/TorchSharpNative.targets); tests/Detector.Tests links
// it with ELF_PATCHER_ONLY defined to test the patcher without the MSBuild task API.
using System;
using System.IO;
using System.Text;
#if !ELF_PATCHER_ONLY
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

/// <summary>
/// Marks one symbol-version requirement of ELF64 shared libraries as weak (VER_FLG_WEAK in the
/// vna_flags of its Vernaux entry in .gnu.version_r), so the dynamic loader of an older libstdc++
/// no longer refuses the library. TorchSharp-cpu 0.107.0's libLibTorchSharp.so asks for
/// GLIBCXX_3.4.32 only for std::ios_base_library_init, which needs no relocation; Debian 12 ships 3.4.30.
/// Idempotent; a file without that requirement is left untouched.
/// </summary>
#if !ELF_PATCHER_ONLY
public sealed class MarkGlibcxxVersionWeak : Task
{
    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            string path = item.GetMetadata("FullPath");
            try
            {
                var outcome = ElfVersionPatcher.MarkWeak(path, VersionName);
                Log.LogMessage(MessageImportance.Low, "{0}: {1} {2}", path, VersionName, outcome);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Log.LogError("{0}: cannot mark {1} weak: {2}", path, VersionName, ex.Message);
            }
        }
        return !Log.HasLoggedErrors;
    }
}

#endif

public enum ElfPatchOutcome { Patched, AlreadyWeak, VersionAbsent }

public static class ElfVersionPatcher
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    public static ElfPatchOutcome MarkWeak(string path, string versionName)
    {
        byte[] elf = File.ReadAllBytes(path);
        var (outcome, flagsOffset) = Find(elf, versionName, path);
        if (outcome != ElfPatchOutcome.Patched) return outcome;
        ushort flags = BitConverter.ToUInt16(elf, flagsOffset);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Position = flagsOffset;
            stream.Write(BitConverter.GetBytes((ushort)(flags | VerFlagWeak)), 0, 2);
        }
        return ElfPatchOutcome.Patched;
    }

    /// <summary>Locates the vna_flags of <paramref name="versionName"/>; Patched means "needs patching".</summary>
    public static (ElfPatchOutcome Outcome, int FlagsOffset) Find(byte[] elf, string versionName, string source)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("only little-endian ELF64 is supported");

        long sectionTable = BitConverter.ToInt64(elf, 0x28);
        int entrySize = BitConverter.ToUInt16(elf, 0x3A);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < sectionCount; i++)
        {
            int header = Checked(elf, sectionTable + (long)i * entrySize, 64);
            if (BitConverter.ToUInt32(elf, header + 4) != ShtGnuVerneed) continue;
            int offset = Checked(elf, BitConverter.ToInt64(elf, header + 0x18), 16);
            int stringSection = Checked(elf, sectionTable + (long)BitConverter.ToUInt32(elf, header + 0x28) * entrySize, 64);
            long strings = BitConverter.ToInt64(elf, stringSection + 0x18);
            int needCount = (int)BitConverter.ToUInt32(elf, header + 0x2C);
            int need = offset;
            for (int n = 0; n < needCount; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, need + 2);
                int aux = Checked(elf, need + (long)BitConverter.ToUInt32(elf, need + 8), 16);
                for (int a = 0; a < auxCount; a++)
                {
                    string name = ReadString(elf, strings + BitConverter.ToUInt32(elf, aux + 8));
                    if (name == versionName)
                    {
                        bool weak = (BitConverter.ToUInt16(elf, aux + 4) & VerFlagWeak) != 0;
                        return (weak ? ElfPatchOutcome.AlreadyWeak : ElfPatchOutcome.Patched, aux + 4);
                    }
                    aux = Checked(elf, aux + (long)BitConverter.ToUInt32(elf, aux + 12), 16);
                }
                need = Checked(elf, need + (long)BitConverter.ToUInt32(elf, need + 12), 16);
            }
        }
        return (ElfPatchOutcome.VersionAbsent, -1);
    }

    private static int Checked(byte[] elf, long offset, int length) =>
        offset >= 0 && offset + length <= elf.Length ? (int)offset
            : throw new InvalidDataException($"offset {offset} lies outside the file");

    private static string ReadString(byte[] elf, long offset)
    {
        int start = Checked(elf, offset, 1);
        int end = Array.IndexOf(elf, (byte)0, start);
        if (end < 0) throw new InvalidDataException("unterminated string");
        return Encoding.ASCII.GetString(elf, start, end - start);
    }
}
