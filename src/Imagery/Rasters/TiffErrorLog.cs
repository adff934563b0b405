using BitMiracle.LibTiff.Classic;

namespace AutoRetrain.Imagery.Rasters;

/// <summary>
/// The messages LibTiff reports while one file is open. LibTiff's handler is process-wide, so the
/// log travels as the file's client data and the handler appends to the log of the file at fault;
/// nothing is written to the console.
/// </summary>
internal sealed class TiffErrorLog
{
    private readonly List<string> _messages = [];

    public void Add(string message)
    {
        lock (_messages) _messages.Add(message);
    }

    public string Summary()
    {
        lock (_messages) return _messages.Count == 0 ? "no detail from LibTiff" : string.Join("; ", _messages.Distinct().Take(3));
    }
}

/// <summary>Routes LibTiff errors to the <see cref="TiffErrorLog"/> of the file at fault; drops warnings.</summary>
internal sealed class TiffLogRouter : TiffErrorHandler
{
    public override void ErrorHandler(Tiff tif, string method, string format, params object[] args) { }

    public override void ErrorHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args)
    {
        if (clientData is TiffErrorLog log)
            log.Add($"{method}: {(args.Length == 0 ? format : string.Format(format, args))}");
    }

    public override void WarningHandler(Tiff tif, string method, string format, params object[] args) { }

    public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) { }
}

/// <summary>A <see cref="TiffStream"/> over one .NET stream that it does not own, so the client data slot stays free for the log.</summary>
internal sealed class OwnedStreamTiffStream(Stream stream) : TiffStream
{
    public override int Read(object clientData, byte[] buffer, int offset, int count) => stream.Read(buffer, offset, count);

    public override void Write(object clientData, byte[] buffer, int offset, int count) => stream.Write(buffer, offset, count);

    public override long Seek(object clientData, long offset, SeekOrigin origin) => stream.Seek(offset, origin);

    public override void Close(object clientData) { }

    public override long Size(object clientData) => stream.Length;
}
