using AutoRetrain.Core;
using Microsoft.AspNetCore.Mvc;

namespace AutoRetrain.Functions.Http;

/// <summary>
/// Every API answer is JSON written with <see cref="Json.Options"/> (camelCase, enums as camelCase strings); every
/// error is <c>{"error": {"code": "...", "message": "..."}}</c> with a 4xx/5xx status. The shapes are in
/// docs/functions.md.
/// </summary>
public static class ApiResults
{
    public static ContentResult Ok<T>(T value, int status = StatusCodes.Ok) => new()
    {
        Content = Json.Serialize(value),
        ContentType = "application/json; charset=utf-8",
        StatusCode = status,
    };

    public static ContentResult Error(int status, string code, string message) =>
        Ok(new ApiError(new ApiErrorDetail(code, message)), status);

    public static class StatusCodes
    {
        public const int Ok = 200;
        public const int Accepted = 202;
        public const int BadRequest = 400;
        public const int Unauthorized = 401;
        public const int Forbidden = 403;
        public const int NotFound = 404;
        public const int Conflict = 409;
        public const int ServiceUnavailable = 503;
    }
}

public sealed record ApiError(ApiErrorDetail Error);

public sealed record ApiErrorDetail(string Code, string Message);
