using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using AutoRetrain.Functions.Http;
using AutoRetrain.Orchestration.Api;

namespace AutoRetrain.Functions.Tests.Http;

/// <summary>Builds the requests the Functions host would pass in and reads the JSON answers.</summary>
internal static class Api
{
    /// <summary>A GET as App Service Authentication passes it on: by default from a caller with the reader role.</summary>
    public static HttpRequest Get(string query = "", params string[]? roles)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.QueryString = new QueryString(query);
        Authenticate(context.Request, roles is null || roles.Length == 0 ? [ApiRoles.Reader] : roles);
        return context.Request;
    }

    /// <summary>A POST, by default from a caller with the operator role.</summary>
    public static HttpRequest Post(string? body = null, params string[]? roles)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body ?? ""));
        context.Request.ContentType = "application/json";
        Authenticate(context.Request, roles is null || roles.Length == 0 ? [ApiRoles.Operator] : roles);
        return context.Request;
    }

    /// <summary>Roles ["none"] send a principal without roles; [Anonymous] sends no principal at all.</summary>
    public const string Anonymous = "(anonymous)";

    private static void Authenticate(HttpRequest request, string[] roles)
    {
        if (roles is [Anonymous]) return;
        request.Headers[CallerRoles.PrincipalHeader] = CallerRoles.HeaderFor(roles.Where(r => r != "none").ToArray());
    }

    public static (int Status, JsonNode Body) Read(IActionResult result)
    {
        var content = Assert.IsType<ContentResult>(result);
        Assert.StartsWith("application/json", content.ContentType);
        return (content.StatusCode ?? 200, JsonNode.Parse(content.Content!)!);
    }
}
