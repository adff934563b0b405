using System.Net;
using AutoRetrain.Core;

namespace AutoRetrain.Cli.Serving;

/// <summary>
/// Where <c>autoretrain serve</c> listens and who may call it. Loopback by default; any other address needs
/// <see cref="AllowRemote"/> and a <see cref="Token"/>, which every request must then carry.
/// </summary>
public sealed record ServeOptions(IPAddress Address, int Port, string? Token)
{
    /// <summary>The header a client sends the token in (or <c>Authorization: Bearer &lt;token&gt;</c>, or <c>?token=</c> for a browser).</summary>
    public const string TokenHeader = "X-AutoRetrain-Token";

    /// <summary>Checks the address and the token together; throws a message the user can act on.</summary>
    public static ServeOptions Create(string address, int port, bool allowRemote, string? token)
    {
        IPAddress ip = address.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(address, out var parsed) ? parsed
            : throw new AutoRetrainException($"--address \"{address}\" is not an IP address: give one, such as 127.0.0.1 (the default) or 0.0.0.0.");
        if (port is < 0 or > 65535)
            throw new AutoRetrainException($"--port {port} is not a TCP port: give a number from 1 to 65535 (or 0 for any free port).");
        if (token is { Length: > 0 and < 16 })
            throw new AutoRetrainException("--token is shorter than 16 characters: use a long random one (for example `openssl rand -hex 24`).");
        if (!IPAddress.IsLoopback(ip))
        {
            if (!allowRemote)
                throw new AutoRetrainException(
                    $"refusing to listen on {ip}, which other machines can reach: the dashboard can start trainings. " +
                    "Pass --allow-remote with --token <secret> to serve beyond this machine, or leave --address at 127.0.0.1.");
            if (string.IsNullOrEmpty(token))
                throw new AutoRetrainException(
                    $"--allow-remote needs --token <secret> (or the AUTORETRAIN_TOKEN variable): every request to {ip} must then carry it.");
        }
        return new ServeOptions(ip, port, string.IsNullOrEmpty(token) ? null : token);
    }
}
