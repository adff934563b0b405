using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace AutoRetrain.Functions.Tests.MachineLearning;

/// <summary>One HTTP request as the loopback server received it.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string? Authorization, string? ContentType, JsonNode? Body);

/// <summary>What the loopback server answers: a status, optional headers, an optional JSON body.</summary>
public sealed record LoopbackResponse(int Status, JsonNode? Body = null, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// A real HTTP server on 127.0.0.1 (HttpListener) standing in for Azure: it records every request and answers
/// through a handler, which is where the tests check requests against the documented REST schema.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<RecordedRequest, LoopbackResponse> _handler;
    private readonly Task _loop;
    private readonly List<RecordedRequest> _requests = [];

    public Uri BaseUri { get; }

    public IReadOnlyList<RecordedRequest> Requests { get { lock (_requests) return [.. _requests]; } }

    public LoopbackServer(Func<RecordedRequest, LoopbackResponse> handler)
    {
        _handler = handler;
        int port = FreePort();
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseUri.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            var request = context.Request;
            string text = await new StreamReader(request.InputStream, Encoding.UTF8).ReadToEndAsync();
            var recorded = new RecordedRequest(request.HttpMethod, request.Url!.AbsolutePath, request.Url.Query.TrimStart('?'),
                request.Headers["Authorization"], request.ContentType, text.Length > 0 ? JsonNode.Parse(text) : null);
            lock (_requests) _requests.Add(recorded);
            LoopbackResponse answer;
            try { answer = _handler(recorded); }
            catch (Exception ex) { answer = new LoopbackResponse(500, new JsonObject { ["error"] = new JsonObject { ["code"] = "TestHandler", ["message"] = ex.Message } }); }
            context.Response.StatusCode = answer.Status;
            foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>()) context.Response.AddHeader(name, value);
            if (answer.Body is not null)
            {
                var bytes = Encoding.UTF8.GetBytes(answer.Body.ToJsonString());
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(bytes);
            }
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
