using System.Net.Sockets;
using AutoRetrain.Cloud.Storage;

namespace AutoRetrain.Functions.Tests;

/// <summary>
/// The Azurite emulator that scripts/azurite.sh starts on 127.0.0.1 (blob 10000, queue 10001, table 10002).
/// Tests that need it fail with this message when it is not up; they never skip.
/// </summary>
public static class Azurite
{
    private static readonly Lazy<string?> Problem = new(FindProblem);

    public static PipelineStorageConnection Connect()
    {
        if (Problem.Value is { } problem) throw new InvalidOperationException(problem);
        return PipelineStorageConnection.Development();
    }

    /// <summary>A table-name prefix no other test uses (letters and digits only, as table names require).</summary>
    public static string UniqueTablePrefix() => "T" + Guid.NewGuid().ToString("N")[..12];

    private static string? FindProblem()
    {
        foreach (int port in new[] { 10000, 10002 })
        {
            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", port);
            }
            catch (SocketException)
            {
                return $"Azurite is not listening on 127.0.0.1:{port}. Start it with `scripts/azurite.sh start` " +
                       "(scripts/test.sh does this), then run the tests again.";
            }
        }
        return null;
    }
}
