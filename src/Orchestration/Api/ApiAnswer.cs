namespace AutoRetrain.Orchestration.Api;

/// <summary>
/// One answer of the HTTP API, before a host writes it: the status code and the body (a response shape, or an
/// <see cref="ApiError"/>). The Functions app and <c>autoretrain serve</c> both write it as JSON with Core's Json options.
/// </summary>
public sealed record ApiAnswer(int Status, object Body)
{
    public const int Ok = 200, Accepted = 202, BadRequest = 400, Unauthorized = 401, Forbidden = 403, NotFound = 404,
        Conflict = 409, ServiceUnavailable = 503;

    public static ApiAnswer Success(object body, int status = Ok) => new(status, body);

    public static ApiAnswer Error(int status, string code, string message) => new(status, new ApiError(new ApiErrorDetail(code, message)));
}

/// <summary>Every error's body: <c>{"error": {"code": "...", "message": "..."}}</c>.</summary>
public sealed record ApiError(ApiErrorDetail Error);

public sealed record ApiErrorDetail(string Code, string Message);
