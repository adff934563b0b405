using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace AutoRetrain.Functions.Tests.Http;

/// <summary>Builds the requests the Functions host would pass in and reads the JSON answers.</summary>
internal static class Api
{
    public static HttpRequest Get(string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.QueryString = new QueryString(query);
        return context.Request;
    }

    public static HttpRequest Post(string? body = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body ?? ""));
        context.Request.ContentType = "application/json";
        return context.Request;
    }

    public static (int Status, JsonNode Body) Read(IActionResult result)
    {
        var content = Assert.IsType<ContentResult>(result);
        Assert.StartsWith("application/json", content.ContentType);
        return (content.StatusCode ?? 200, JsonNode.Parse(content.Content!)!);
    }
}
