using AutoRetrain.Core.Ports;
using AutoRetrain.Functions.Http;
using AutoRetrain.Orchestration.Api;

namespace AutoRetrain.Functions.Tests.Http;

/// <summary>The API behind App Service Authentication: readers read, operators also command, nobody else gets in.</summary>
public class ApiRoleTests
{
    [Fact]
    public async Task Reader_GetsStatusButIsRefusedRetrainPauseAndResume()
    {
        await using var host = await PipelineTestHost.StartAsync();
        var status = new StatusFunction(host.Options, host.Ledger, host.Cycles, SystemClock.Instance);
        var control = new ControlFunctions(host.Options);

        Assert.Equal(200, Api.Read(await status.GetStatus(Api.Get("", ApiRoles.Reader), host.Durable.Client)).Status);
        foreach (var command in new Func<Microsoft.AspNetCore.Http.HttpRequest, Task<Microsoft.AspNetCore.Mvc.IActionResult>>[]
                 {
                     r => control.ForceRetrain(r, host.Durable.Client), r => control.Pause(r, host.Durable.Client),
                     r => control.Resume(r, host.Durable.Client),
                 })
        {
            var (code, body) = Api.Read(await command(Api.Post(null, ApiRoles.Reader)));
            Assert.Equal(403, code);
            Assert.Equal("forbidden", body["error"]!["code"]!.GetValue<string>());
            Assert.Contains(ApiRoles.Operator, body["error"]!["message"]!.GetValue<string>());
        }
        // Nothing reached the manager: it was never started.
        Assert.Null(await host.Manager.GetRuntimeStatusAsync(host.Project));
    }

    [Fact]
    public async Task Operator_CommandsAndReads()
    {
        await using var host = await PipelineTestHost.StartAsync();
        var control = new ControlFunctions(host.Options);

        Assert.Equal(202, Api.Read(await control.Pause(Api.Post(null, ApiRoles.Operator), host.Durable.Client)).Status);
        Assert.Equal(200, Api.Read(await new StatusFunction(host.Options, host.Ledger, host.Cycles, SystemClock.Instance)
            .GetStatus(Api.Get("", ApiRoles.Operator), host.Durable.Client)).Status);
        Assert.True((await host.WaitForManagerAsync(s => s.Paused)).Paused);
    }

    [Fact]
    public async Task NoPrincipal_Is401AndAPrincipalWithoutRoles_Is403()
    {
        await using var host = await PipelineTestHost.StartAsync();
        var models = new ModelsFunction(host.Registry);

        var (anonymous, body) = Api.Read(await models.ListModels(Api.Get("", Api.Anonymous)));
        Assert.Equal(401, anonymous);
        Assert.Equal("unauthenticated", body["error"]!["code"]!.GetValue<string>());
        Assert.Equal(403, Api.Read(await models.ListModels(Api.Get("", "none"))).Status);
        Assert.Equal(401, Api.Read(await new ControlFunctions(host.Options).ForceRetrain(Api.Post(null, Api.Anonymous), host.Durable.Client)).Status);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("e30=")] // {} : a principal with no claims
    public void Of_MalformedOrEmptyPrincipal_GivesNoRoles(string header)
    {
        var request = Api.Get("", Api.Anonymous);
        request.Headers[CallerRoles.PrincipalHeader] = header;
        var roles = CallerRoles.Of(request);
        Assert.True(roles is null || roles.Count == 0);
        Assert.NotNull(CallerRoles.Deny(request, ApiRoles.Reader));
    }
}
