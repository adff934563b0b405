using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace AutoRetrain.Cli.Tests;

/// <summary>
/// Chromium (the Debian package scripts/install-test-prerequisites.sh installs) driven headless through the DevTools
/// protocol over its WebSocket: evaluate script in the page, click, take a screenshot. No browser download.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ClientWebSocket _socket;
    private readonly string _profile;
    private int _nextId;

    private HeadlessChromium(Process process, ClientWebSocket socket, string profile)
    {
        _process = process;
        _socket = socket;
        _profile = profile;
    }

    public static async Task<HeadlessChromium> OpenAsync(string url, int width = 1400, int height = 1600)
    {
        string profile = Path.Combine(Path.GetTempPath(), "autoretrain-tests", "chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var info = new ProcessStartInfo("chromium") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync", "--remote-debugging-port=0", $"--user-data-dir={profile}",
            $"--window-size={width},{height}", url,
        }) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();

        // Chromium writes the port it chose into the profile folder.
        string portFile = Path.Combine(profile, "DevToolsActivePort");
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(portFile) || new FileInfo(portFile).Length == 0)
        {
            if (DateTime.UtcNow > until || process.HasExited)
                throw new InvalidOperationException($"chromium did not open its DevTools port (exited: {process.HasExited})");
            await Task.Delay(100);
        }
        int port = int.Parse((await File.ReadAllLinesAsync(portFile))[0], System.Globalization.CultureInfo.InvariantCulture);
        using var http = new HttpClient();
        string? socketUrl = null;
        while (socketUrl is null)
        {
            using var targets = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"));
            socketUrl = targets.RootElement.EnumerateArray().Where(t => t.GetProperty("type").GetString() == "page")
                .Select(t => t.GetProperty("webSocketDebuggerUrl").GetString()).FirstOrDefault();
            if (socketUrl is null) await Task.Delay(100);
        }
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(socketUrl), CancellationToken.None);
        return new HeadlessChromium(process, socket, profile);
    }

    /// <summary>One DevTools command; its result, or an exception with the protocol's error.</summary>
    public async Task<JsonElement> SendAsync(string method, object? parameters = null)
    {
        int id = Interlocked.Increment(ref _nextId);
        byte[] request = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _socket.SendAsync(request, WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await _socket.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);
            using var answer = JsonDocument.Parse(message.ToArray());
            if (!answer.RootElement.TryGetProperty("id", out var answerId) || answerId.GetInt32() != id) continue; // an event
            if (answer.RootElement.TryGetProperty("error", out var error))
                throw new InvalidOperationException($"{method}: {error}");
            return answer.RootElement.GetProperty("result").Clone();
        }
    }

    /// <summary>The value of a script expression in the page (promises awaited).</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true });
        if (result.TryGetProperty("exceptionDetails", out var exception))
            throw new InvalidOperationException($"script failed: {exception}");
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value : default;
    }

    /// <summary>Polls an expression until it is true; false when the time runs out.</summary>
    public async Task<bool> WaitForAsync(string expression, TimeSpan timeout, Func<Task>? between = null)
    {
        for (var until = DateTime.UtcNow + timeout; DateTime.UtcNow < until; await Task.Delay(250))
        {
            if ((await EvaluateAsync(expression)).ValueKind == JsonValueKind.True) return true;
            if (between is not null) await between();
        }
        return false;
    }

    public async Task<byte[]> ScreenshotAsync() =>
        Convert.FromBase64String((await SendAsync("Page.captureScreenshot", new { format = "png" })).GetProperty("data").GetString()!);

    public async ValueTask DisposeAsync()
    {
        try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None); } catch (WebSocketException) { }
        _socket.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>How many distinct colours a PNG holds: a blank or failed render has a handful.</summary>
    public static int DistinctColours(byte[] png, out int width)
    {
        var image = AutoRetrain.Imagery.Rasters.ImageReader.Decode(png, "screenshot.png");
        width = image.Width;
        var rgb = image.ToRgb8();
        return Enumerable.Range(0, rgb.Length / 3).Select(i => (rgb[3 * i] << 16) | (rgb[3 * i + 1] << 8) | rgb[3 * i + 2]).Distinct().Count();
    }
}
