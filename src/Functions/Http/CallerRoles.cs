using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace AutoRetrain.Functions.Http;

/// <summary>The API's app roles (declared on the Entra app registration in infra/bicep; assigned to users and groups).</summary>
public static class ApiRoles
{
    /// <summary>Reads status, cycles, models, quarantine and the tiles to label.</summary>
    public const string Reader = "AutoRetrain.Reader";

    /// <summary>Everything a reader can, plus force a retrain, pause and resume (GPU spending and the manager's state).</summary>
    public const string Operator = "AutoRetrain.Operator";
}

/// <summary>
/// Who called, as App Service Authentication (Easy Auth, Entra ID) tells the app: it validates the caller's token,
/// strips any client-sent <c>X-MS-CLIENT-PRINCIPAL*</c> header and passes the principal as base64 JSON in
/// <c>X-MS-CLIENT-PRINCIPAL</c> (claims with <c>typ</c>/<c>val</c>, the role claim type in <c>role_typ</c>).
/// The functions run at authorization level Anonymous: the platform refuses unauthenticated calls, and each function
/// checks the caller's roles here (no principal: 401; missing role: 403).
/// </summary>
public static class CallerRoles
{
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>Null when the caller holds <paramref name="role"/> (an operator holds reader too); else the 401 or 403 answer.</summary>
    public static IActionResult? Deny(HttpRequest request, string role)
    {
        if (Of(request) is not { } roles)
            return ApiResults.Error(ApiResults.StatusCodes.Unauthorized, "unauthenticated",
                "no authenticated caller: call the API with an Entra ID token for the app (App Service Authentication).");
        bool allowed = roles.Contains(role) || (role == ApiRoles.Reader && roles.Contains(ApiRoles.Operator));
        return allowed ? null : ApiResults.Error(ApiResults.StatusCodes.Forbidden, "forbidden",
            $"this call needs the app role {role}; ask an owner of the AutoRetrain app registration to assign it.");
    }

    /// <summary>The caller's roles, or null when no (readable) principal came with the request.</summary>
    public static IReadOnlySet<string>? Of(HttpRequest request)
    {
        string? header = request.Headers[PrincipalHeader];
        if (string.IsNullOrWhiteSpace(header)) return null;
        try
        {
            using var doc = JsonDocument.Parse(Convert.FromBase64String(header));
            var root = doc.RootElement;
            string roleType = root.TryGetProperty("role_typ", out var rt) && rt.GetString() is { Length: > 0 } t ? t : "roles";
            var roles = new HashSet<string>(StringComparer.Ordinal);
            if (root.TryGetProperty("claims", out var claims) && claims.ValueKind == JsonValueKind.Array)
                foreach (var claim in claims.EnumerateArray())
                    if (claim.TryGetProperty("typ", out var typ) && typ.GetString() is { } type
                        && (type == roleType || type == "roles") && claim.TryGetProperty("val", out var val) && val.GetString() is { } value)
                        roles.Add(value);
            return roles;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The header App Service Authentication would send for a caller with these roles (tests, local tools).</summary>
    public static string HeaderFor(params string[] roles) => Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
    {
        auth_typ = "aad",
        name_typ = "name",
        role_typ = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
        claims = roles.Select(r => new { typ = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role", val = r }),
    })));
}
