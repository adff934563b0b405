using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AutoRetrain.Local.Watching;

public enum FileKind { Regular, Directory, SymbolicLink, Fifo, Socket, CharacterDevice, BlockDevice, Unknown }

/// <summary>What <c>lstat</c> says about one directory entry, without following a link or opening the file.</summary>
public sealed record FileFacts(FileKind Kind, long Size, DateTime LastWriteUtc, UnixFileMode Mode);

/// <summary>
/// The file-system questions the watcher must answer without opening a file: .NET tells a link from a file but not a
/// FIFO, socket or device from a regular file, and opening a FIFO blocks until a writer comes. On Linux this asks the
/// kernel directly (<c>statx</c> with <c>AT_SYMLINK_NOFOLLOW</c>, whose layout is the same on every architecture) and
/// opens with <c>O_NOFOLLOW | O_NONBLOCK</c>, so a file swapped for a link or a FIFO between the check and the open is
/// still never followed and never waited on. Elsewhere it falls back to what .NET reports, treating a zero-length
/// entry as possibly special (FIFOs, sockets and devices all report size 0).
/// </summary>
public static class FileProbe
{
    private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100, AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int ORdOnly = 0, ONonBlock = 0x800, OCloExec = 0x80000;
    private static readonly int ONoFollow = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

    /// <summary>lstat: the entry itself, never what a link points to. Null when the entry is gone.</summary>
    public static FileFacts? Of(string path)
    {
        if (NativeAvailable)
        {
            var buffer = new byte[256];
            if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0) return null;
            return FromStatx(buffer);
        }
        var info = new FileInfo(path);
        if (!info.Exists && info.LinkTarget is null && !Directory.Exists(path)) return null;
        var kind = info.LinkTarget is not null ? FileKind.SymbolicLink
            : info.Attributes.HasFlag(FileAttributes.Directory) ? FileKind.Directory
            : info.Length == 0 ? FileKind.Unknown : FileKind.Regular;
        return new FileFacts(kind, kind == FileKind.Regular ? info.Length : 0, info.LastWriteTimeUtc,
            OperatingSystem.IsWindows() ? UnixFileMode.UserRead : info.UnixFileMode);
    }

    /// <summary>
    /// Opens a regular file for reading, never following a final symbolic link and never blocking on a FIFO; checks
    /// again, on the open handle, that it is a regular file. Throws <see cref="UnauthorizedAccessException"/> when the
    /// open is refused and <see cref="IOException"/> when the entry is no longer a regular file.
    /// </summary>
    public static SafeFileHandle OpenRegular(string path)
    {
        if (!NativeAvailable)
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        int fd = Open(path, ORdOnly | ONonBlock | OCloExec | ONoFollow);
        if (fd < 0) throw OpenFailure(path, Marshal.GetLastPInvokeError());
        return CheckRegular(new SafeFileHandle(fd, ownsHandle: true), path);
    }

    /// <summary>
    /// <see cref="OpenRegular"/> for <paramref name="relative"/> inside <paramref name="root"/>, resolved by the kernel
    /// beneath the root with no symbolic link anywhere on the way (Linux 5.6+ <c>openat2</c>, <c>RESOLVE_BENEATH |
    /// RESOLVE_NO_SYMLINKS</c>): a folder on the path swapped for a link to somewhere else between the survey and the
    /// open is refused (<see cref="IOException"/>), not followed. Where <c>openat2</c> is missing (older kernels, some
    /// container sandboxes) only the last component is protected, as by <see cref="OpenRegular"/>.
    /// </summary>
    public static SafeFileHandle OpenRegularBeneath(string root, string relative)
    {
        if (!Openat2Available) return OpenRegular(Path.Combine(root, relative));
        using var dir = OpenBeneathRoot(root);
        var how = new OpenHow { Flags = (ulong)(ORdOnly | ONonBlock | OCloExec | ONoFollow), Resolve = ResolveBeneath | ResolveNoSymlinks };
        int fd = (int)Openat2(Openat2Syscall, (int)dir.DangerousGetHandle(), relative, ref how, 24);
        string path = Path.Combine(root, relative);
        if (fd < 0) throw OpenFailure(path, Marshal.GetLastPInvokeError());
        return CheckRegular(new SafeFileHandle(fd, ownsHandle: true), path);
    }

    /// <summary>
    /// Deletes the file <paramref name="relative"/> inside <paramref name="root"/>: its folder is opened beneath the root
    /// with no symbolic link on the way (as <see cref="OpenRegularBeneath"/>) and the entry is removed from that folder,
    /// so a folder swapped for a link never makes this delete a file outside the root. Same fallback as the open.
    /// </summary>
    public static void DeleteBeneath(string root, string relative)
    {
        string path = Path.Combine(root, relative);
        if (!Openat2Available) { File.Delete(path); return; }
        string parent = Path.GetDirectoryName(relative) ?? "";
        using var dir = OpenBeneathRoot(root);
        var how = new OpenHow { Flags = (ulong)(ODirectory | OCloExec | OPath), Resolve = ResolveBeneath | ResolveNoSymlinks };
        int fd = (int)Openat2(Openat2Syscall, (int)dir.DangerousGetHandle(), parent.Length == 0 ? "." : parent, ref how, 24);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == 2) return; // the folder is gone: another watcher took the file and removed it
            throw OpenFailure(Path.Combine(root, parent), errno);
        }
        using var folder = new SafeFileHandle(fd, ownsHandle: true);
        if (Unlinkat(fd, Path.GetFileName(relative), 0) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == 2) return; // already gone: another watcher took it
            throw new IOException($"{path}: could not be removed (errno {errno}).");
        }
    }

    private static SafeFileHandle OpenBeneathRoot(string root)
    {
        int fd = Open(root, ODirectory | OCloExec | OPath);
        if (fd < 0) throw OpenFailure(root, Marshal.GetLastPInvokeError());
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    private static Exception OpenFailure(string path, int errno) => errno switch
    {
        1 or 13 => new UnauthorizedAccessException($"{path}: permission denied (errno {errno})."),
        2 => new FileNotFoundException($"{path}: gone before it could be opened.", path),
        40 => new IOException($"{path}: a symbolic link is on the way (a file or folder became a link); not followed."),
        18 => new IOException($"{path}: resolves outside the watched folder; not followed."),
        _ => new IOException($"{path}: open failed (errno {errno})."),
    };

    private static SafeFileHandle CheckRegular(SafeFileHandle handle, string path)
    {
        var buffer = new byte[256];
        if (Statx((int)handle.DangerousGetHandle(), "", AtEmptyPath, StatxBasicStats, buffer) != 0 || FromStatx(buffer).Kind != FileKind.Regular)
        {
            handle.Dispose();
            throw new IOException($"{path}: is no longer a regular file.");
        }
        return handle;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    private const ulong ResolveNoSymlinks = 0x04, ResolveBeneath = 0x08;
    private const int ODirectory = 0x10000, OPath = 0x200000;
    private const long Openat2Syscall = 437; // the same number on every Linux architecture

    /// <summary>openat2 exists and is allowed (probed once on "/"): ENOSYS on kernels before 5.6, EPERM or ENOSYS in some sandboxes.</summary>
    private static readonly bool Openat2Available = OperatingSystem.IsLinux() && ProbeOpenat2(); // not NativeAvailable: declared later, so not yet set

    private static bool ProbeOpenat2()
    {
        var how = new OpenHow { Flags = (ulong)(ODirectory | OCloExec | OPath), Resolve = ResolveNoSymlinks };
        try
        {
            int fd = (int)Openat2(Openat2Syscall, AtFdCwd, "/", ref how, 24);
            if (fd < 0) return false;
            new SafeFileHandle(fd, ownsHandle: true).Dispose();
            return true;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException) { return false; }
    }

    /// <summary>Linux with a C library that has <c>statx</c> (glibc 2.28 and later, musl 1.2.5): probed once.</summary>
    private static readonly bool NativeAvailable = OperatingSystem.IsLinux() && Probe();

    private static bool Probe()
    {
        try
        {
            Statx(AtFdCwd, "/", AtSymlinkNoFollow, StatxBasicStats, new byte[256]);
            return true;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The canonical path (every link resolved) of an existing path; the full path when it cannot be resolved.</summary>
    public static string RealPath(string path)
    {
        string full = Path.GetFullPath(path);
        if (!NativeAvailable) return full;
        nint resolved = RealPathNative(full, 0);
        if (resolved == 0) return full;
        try { return Marshal.PtrToStringUTF8(resolved) ?? full; }
        finally { Free(resolved); }
    }

    private static FileFacts FromStatx(byte[] b)
    {
        int mode = BitConverter.ToUInt16(b, 28);
        long size = BitConverter.ToInt64(b, 40);
        long seconds = BitConverter.ToInt64(b, 112);
        uint nanoseconds = BitConverter.ToUInt32(b, 120);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x1000 => FileKind.Fifo,
            0xC000 => FileKind.Socket,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            _ => FileKind.Unknown,
        };
        var mtime = DateTime.UnixEpoch.AddSeconds(seconds).AddTicks(nanoseconds / 100);
        return new FileFacts(kind, size, mtime, (UnixFileMode)(mode & 0xFFF));
    }

    // DllImport rather than LibraryImport: the generated stubs need unsafe code, which the projects keep off.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static extern long Openat2(long number, int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, ref OpenHow how, nuint size);

    [DllImport("libc", EntryPoint = "unlinkat", SetLastError = true)]
    private static extern int Unlinkat(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "realpath")]
    private static extern nint RealPathNative([MarshalAs(UnmanagedType.LPUTF8Str)] string path, nint resolved);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void Free(nint pointer);
}
