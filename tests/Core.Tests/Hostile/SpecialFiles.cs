using System.Runtime.InteropServices;

namespace AutoRetrain.Core.Tests.Hostile;

/// <summary>Creates the entries .NET cannot: FIFOs, device nodes, sockets, names that are not valid UTF-8.</summary>
internal static class SpecialFiles
{
    public static void Fifo(string path)
    {
        if (MkFifo(path, 0x1A4) != 0) throw new IOException($"mkfifo {path} failed (errno {Marshal.GetLastPInvokeError()}).");
    }

    /// <summary>A character device node like /dev/null (1, 3). Needs root (CAP_MKNOD), which the test machines have.</summary>
    public static void CharacterDevice(string path)
    {
        const uint charDevice = 0x2000;
        ulong dev = (1UL << 8) | 3UL; // makedev(1, 3) for small numbers
        if (MkNod(path, charDevice | 0x1A4, dev) != 0)
            throw new IOException($"mknod {path} failed (errno {Marshal.GetLastPInvokeError()}): these tests need root, as CI has.");
    }

    /// <summary>A Unix-domain socket node (what bind leaves; .NET's Socket removes its node when disposed, so mknod it).</summary>
    public static void UnixSocket(string path)
    {
        if (MkNod(path, 0xC000 | 0x1A4, 0) != 0) throw new IOException($"mknod {path} failed (errno {Marshal.GetLastPInvokeError()}).");
    }

    /// <summary>Writes a file whose last name component is the raw <paramref name="nameBytes"/> (not valid UTF-8).</summary>
    public static void RawName(string folder, byte[] nameBytes, byte[] content)
    {
        byte[] path = [.. System.Text.Encoding.UTF8.GetBytes(folder + "/"), .. nameBytes, 0];
        int fd = OpenRaw(path, 0x41 | 0x200, 0x1A4); // O_WRONLY | O_CREAT | O_TRUNC
        if (fd < 0) throw new IOException($"open failed (errno {Marshal.GetLastPInvokeError()}).");
        try { if (content.Length > 0 && WriteRaw(fd, content, content.Length) != content.Length) throw new IOException("short write"); }
        finally { CloseRaw(fd); }
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [DllImport("libc", EntryPoint = "mknod", SetLastError = true)]
    private static extern int MkNod([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode, ulong dev);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int OpenRaw(byte[] path, int flags, int mode);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    private static extern nint WriteRaw(int fd, byte[] buffer, nint count);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int CloseRaw(int fd);
}
