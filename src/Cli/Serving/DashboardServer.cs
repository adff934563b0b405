using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;
using AutoRetrain.Local;
using AutoRetrain.Local.Reporting;
using AutoRetrain.Orchestration;
using AutoRetrain.Orchestration.Api;
using AutoRetrain.Orchestration.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AutoRetrain.Cli.Serving;

/// <summary>
/// <c>autoretrain serve</c>'s web server: the dashboard page, the report, and the same HTTP API as the Functions app
/// (routes and shapes in <see cref="ProjectApi"/>) over a local workspace. ASP.NET Core minimal API on Kestrel.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    /// <summary>The address the server listens on, with the port Kestrel chose when 0 was asked.</summary>
    public Uri Address { get; }

    private DashboardServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <param name="manager">The cycle manager the commands go to; null serves the stores read-only.</param>
    /// <param name="predictor">Draws the champion's boxes on the report's sample tiles; null leaves them out.</param>
    public static async Task<DashboardServer> StartAsync(ServeOptions options, LocalWorkspace workspace, string project,
        CycleManagerClient? manager, IModelPredictor? predictor, TrainingProgress? progress, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.Address, options.Port));
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            if (options.Token is { } token && !Authorised(context.Request, token))
            {
                await Result(ApiAnswer.Error(ApiAnswer.Unauthorized, "unauthenticated",
                    $"this server needs its token: send the header {ServeOptions.TokenHeader} (or Authorization: Bearer), or open the page with ?token=."))
                    .ExecuteAsync(context);
                return;
            }
            context.Response.Headers.CacheControl = "no-store";
            await next(context);
        });

        var clock = SystemClock.Instance;
        var api = app.MapGroup("/api");
        api.MapGet("/status", (CancellationToken ct) => Answer(c => ProjectApi.StatusAsync(project, manager, workspace.Ledger, workspace.Cycles, clock, c), ct));
        api.MapGet("/cycles", (CancellationToken ct) => Answer(c => ProjectApi.CyclesAsync(project, workspace.Cycles, c), ct));
        api.MapGet("/cycles/{cycleId}", (string cycleId, CancellationToken ct) => Answer(c => ProjectApi.CycleAsync(project, workspace.Cycles, cycleId, c), ct));
        api.MapGet("/models", (CancellationToken ct) => Answer(c => ProjectApi.ModelsAsync(workspace.Registry, c), ct));
        api.MapGet("/quarantine", (string? reasonCode, CancellationToken ct) => Answer(c => ProjectApi.QuarantineAsync(workspace.Ledger, reasonCode, c), ct));
        api.MapGet("/tiles/to-label", (string? limit, CancellationToken ct) =>
            Answer(c => ProjectApi.TilesToLabelAsync(workspace.Ledger, workspace.Registry, workspace.Store, limit, c), ct));
        foreach (var (route, kind) in new[] { ("/retrain", SignalKind.ForceRetrain), ("/pause", SignalKind.Pause), ("/resume", SignalKind.Resume) })
            api.MapPost(route, (HttpRequest request, CancellationToken ct) => Answer(async c =>
            {
                using var reader = new StreamReader(request.Body);
                string body = await reader.ReadToEndAsync(c);
                return await ProjectApi.CommandAsync(project, manager, kind, body, "the dashboard", ensureStarted: null, c);
            }, ct));
        // Local only: the running trainings' last epochs, which the page draws as progress bars.
        api.MapGet("/progress", () => Result(ApiAnswer.Success(new { jobs = progress?.Jobs ?? [] })));

        var report = new ReportWriter(workspace, project, predictor);
        app.MapGet("/report", async (HttpContext c) =>
        {
            c.Response.ContentType = "text/html; charset=utf-8";
            await c.Response.WriteAsync(await report.RenderAsync(c.RequestAborted), c.RequestAborted);
        });
        string page = DashboardPage();
        app.MapGet("/", (HttpContext c) =>
        {
            c.Response.ContentType = "text/html; charset=utf-8";
            return c.Response.WriteAsync(page.Replace("{{project}}", WebUtility.HtmlEncode(project), StringComparison.Ordinal), c.RequestAborted);
        });

        await app.StartAsync(ct);
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var address = new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal));
        return new DashboardServer(app, address);
    }

    /// <summary>The token in a header or the query, compared in constant time.</summary>
    private static bool Authorised(HttpRequest request, string token)
    {
        string? given = request.Headers[ServeOptions.TokenHeader].FirstOrDefault();
        if (string.IsNullOrEmpty(given) && request.Headers.Authorization.FirstOrDefault() is { } auth
            && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            given = auth["Bearer ".Length..].Trim();
        if (string.IsNullOrEmpty(given)) given = request.Query["token"].FirstOrDefault();
        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token));
    }

    private static async Task<IResult> Answer(Func<CancellationToken, Task<ApiAnswer>> route, CancellationToken ct)
    {
        try
        {
            return Result(await route(ct));
        }
        catch (AutoRetrainException ex)
        {
            return Result(ApiAnswer.Error(ApiAnswer.ServiceUnavailable, "unavailable", ex.Message));
        }
    }

    /// <summary>Written as the Functions app writes it: JSON with Core's options, the answer's status code.</summary>
    private static IResult Result(ApiAnswer answer) =>
        Results.Content(Json.Serialize(answer.Body), "application/json; charset=utf-8", Encoding.UTF8, answer.Status);

    private static string DashboardPage()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("AutoRetrain.Cli.Serving.dashboard.html")
            ?? throw new InvalidOperationException("the dashboard page is not embedded in the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
