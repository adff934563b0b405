using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AutoRetrain.Cli.Serving;
using AutoRetrain.Core;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Ports;
using AutoRetrain.Local;

namespace AutoRetrain.Cli.Tests;

/// <summary>
/// <c>autoretrain serve</c>'s HTTP API over a local workspace: the Functions app's routes and shapes
/// (src/Orchestration/Api, shared), the token on every request, and the refusal of a reachable address.
/// </summary>
public class ServeApiTests
{
    private static async Task<LocalWorkspace> SeededWorkspaceAsync()
    {
        var workspace = new LocalWorkspace(Path.Combine(Path.GetTempPath(), "autoretrain-tests", Guid.NewGuid().ToString("N")));
        var t0 = new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);
        await workspace.Cycles.UpsertAsync(new CycleRecord
        {
            Id = "default-cycle-0001-a", Project = "default", StartedAt = t0, EndedAt = t0.AddMinutes(3), Status = CycleStatus.Rejected,
            TriggerReasons = ["40 new labelled tiles"], DecisionReasons = ["mAP50 gain 0.001 below the margin 0.005"],
            Metrics = new Dictionary<string, double> { ["mAP50"] = 0.42 },
        });
        await workspace.Cycles.UpsertAsync(new CycleRecord { Id = "other-cycle-0001-a", Project = "other", StartedAt = t0 });
        await workspace.Ledger.RecordQuarantineAsync(new QuarantineEntry("q/a.png", "a.png", "CorruptImage", "not an image", t0));
        await workspace.Ledger.RecordQuarantineAsync(new QuarantineEntry("q/b.json", "b.labels.json", "OutOfBounds", "box outside", t0));
        return workspace;
    }

    private static async Task<(int Status, JsonNode Body)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Fact]
    public async Task Routes_OverALocalWorkspace_AnswerTheFunctionsAppShapes()
    {
        var workspace = await SeededWorkspaceAsync();
        await using var server = await DashboardServer.StartAsync(ServeOptions.Create("127.0.0.1", 0, false, null), workspace, "default",
            manager: null, predictor: null, progress: null);
        using var http = new HttpClient { BaseAddress = server.Address };

        var (code, status) = await GetAsync(http, "/api/status");
        Assert.Equal(200, code);
        Assert.Equal("default", (string?)status["project"]);
        Assert.Equal("notStarted", (string?)status["manager"]!["state"]); // read-only: no manager in this process
        Assert.Equal(2, (int)status["tiles"]!["quarantined"]!);

        (code, var cycles) = await GetAsync(http, "/api/cycles");
        var only = Assert.Single(cycles["cycles"]!.AsArray()); // the other project's cycle is not listed
        Assert.Equal("default-cycle-0001-a", (string?)only!["id"]);
        Assert.Equal("rejected", (string?)only["status"]);
        Assert.Equal(0.42, (double)only["map50"]!);

        (code, var cycle) = await GetAsync(http, "/api/cycles/default-cycle-0001-a");
        Assert.Equal(200, code);
        Assert.Equal("mAP50 gain 0.001 below the margin 0.005", (string?)cycle["decisionReasons"]![0]);
        (code, var missing) = await GetAsync(http, "/api/cycles/other-cycle-0001-a");
        Assert.Equal((404, "cycleNotFound"), (code, (string?)missing["error"]!["code"]));

        (code, var quarantine) = await GetAsync(http, "/api/quarantine?reasonCode=OutOfBounds");
        Assert.Equal(2, (int)quarantine["count"]!);
        Assert.Equal(1, (int)quarantine["byCode"]!["CorruptImage"]!);
        Assert.Equal("b.labels.json", (string?)Assert.Single(quarantine["entries"]!.AsArray())!["sourceName"]);

        (code, var models) = await GetAsync(http, "/api/models");
        Assert.Equal(200, code);
        Assert.Null(models["championModelId"]);
        Assert.Empty(models["versions"]!.AsArray());

        (code, var toLabel) = await GetAsync(http, "/api/tiles/to-label?limit=0");
        Assert.Equal((400, "invalidLimit"), (code, (string?)toLabel["error"]!["code"]));
        (code, toLabel) = await GetAsync(http, "/api/tiles/to-label");
        Assert.Equal((409, "noChampion"), (code, (string?)toLabel["error"]!["code"]));

        using var retrain = await http.PostAsync("/api/retrain", new StringContent("{\"reason\": \"now\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, retrain.StatusCode);
        Assert.Equal("noManager", (string?)JsonNode.Parse(await retrain.Content.ReadAsStringAsync())!["error"]!["code"]);
        using var bad = await http.PostAsync("/api/pause", new StringContent("[1]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        string page = await http.GetStringAsync("/");
        Assert.Contains("id=\"force-retrain\"", page);
        string report = await http.GetStringAsync("/report");
        Assert.Contains("default-cycle-0001-a", report);
        Assert.False(File.Exists(Path.Combine(workspace.Root, "report.html"))); // rendered for the answer, not written
    }

    [Fact]
    public async Task Requests_WithATokenConfigured_AreRefusedWithoutIt()
    {
        var workspace = await SeededWorkspaceAsync();
        const string token = "0123456789abcdef0123";
        await using var server = await DashboardServer.StartAsync(ServeOptions.Create("127.0.0.1", 0, false, token), workspace, "default",
            manager: null, predictor: null, progress: null);
        using var http = new HttpClient { BaseAddress = server.Address };

        foreach (var path in new[] { "/", "/report", "/api/status", "/api/cycles", "/api/progress" })
        {
            using var refused = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("unauthenticated", (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!["code"]);
        }
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/status") { Headers = { { ServeOptions.TokenHeader, token + "x" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
        using var post = await http.PostAsync("/api/retrain", null);
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);

        using var header = new HttpRequestMessage(HttpMethod.Get, "/api/status") { Headers = { { ServeOptions.TokenHeader, token } } };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(header)).StatusCode);
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/api/cycles") { Headers = { { "Authorization", "Bearer " + token } } };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(bearer)).StatusCode);
        Assert.Contains("force-retrain", await http.GetStringAsync("/?token=" + token));
    }

    [Theory]
    [InlineData("0.0.0.0", false, null, "refusing to listen on 0.0.0.0")]
    [InlineData("192.168.1.20", false, "0123456789abcdef0123", "--allow-remote")]
    [InlineData("0.0.0.0", true, null, "needs --token")]
    [InlineData("127.0.0.1", false, "short", "shorter than 16")]
    [InlineData("my-host", false, null, "not an IP address")]
    public void Create_ReachableAddressWithoutAllowRemoteAndToken_IsRefused(string address, bool allowRemote, string? token, string message)
    {
        var ex = Assert.Throws<AutoRetrainException>(() => ServeOptions.Create(address, 5080, allowRemote, token));
        Assert.Contains(message, ex.Message);
    }

    [Theory]
    [InlineData("127.0.0.1", false, null)]
    [InlineData("localhost", false, null)]
    [InlineData("::1", false, null)]
    [InlineData("0.0.0.0", true, "0123456789abcdef0123")]
    public void Create_LoopbackOrRemoteWithToken_IsAccepted(string address, bool allowRemote, string? token)
    {
        var options = ServeOptions.Create(address, 5080, allowRemote, token);
        Assert.Equal(token, options.Token);
    }

    [Fact]
    public async Task Serve_OnAReachableAddressWithoutAllowRemote_ExitsWithTheReason()
    {
        var (code, output) = await CliProcess.RunAsync(TimeSpan.FromMinutes(1), "serve", "--address", "0.0.0.0", "--workdir", Path.GetTempPath());
        Assert.Equal(2, code);
        Assert.Contains("refusing to listen on 0.0.0.0", output);
    }
}
