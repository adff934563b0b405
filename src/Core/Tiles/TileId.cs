using System.Security.Cryptography;

namespace AutoRetrain.Core.Tiles;

/// <summary>
/// A tile's identity: the lower-case hex SHA-256 of the image bytes. A re-upload or a retried
/// trigger of the same bytes is the same tile.
/// </summary>
public readonly record struct TileId
{
    public string Value { get; }

    public TileId(string value)
    {
        if (value is null || value.Length != 64 || !value.All(Uri.IsHexDigit))
            throw new AutoRetrainException($"\"{value}\" is not a tile id (64 hex digits of SHA-256).");
        Value = value.ToLowerInvariant();
    }

    public static TileId Of(ReadOnlySpan<byte> imageBytes) => new(Convert.ToHexStringLower(SHA256.HashData(imageBytes)));

    public static async Task<TileId> OfAsync(Stream imageBytes, CancellationToken ct = default) =>
        new(Convert.ToHexStringLower(await SHA256.HashDataAsync(imageBytes, ct)));

    /// <summary>A short form for logs and tables.</summary>
    public string Short => Value[..12];

    public override string ToString() => Value;
}

/// <summary>Content hash helper shared by labels and snapshots.</summary>
public static class ContentHash
{
    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string Of(string text) => Of(System.Text.Encoding.UTF8.GetBytes(text));
}
