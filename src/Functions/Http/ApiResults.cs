using AutoRetrain.Core;
using AutoRetrain.Orchestration.Api;
using Microsoft.AspNetCore.Mvc;

namespace AutoRetrain.Functions.Http;

/// <summary>
/// Every API answer is JSON written with <see cref="Json.Options"/> (camelCase, enums as camelCase strings); every
/// error is <c>{"error": {"code": "...", "message": "..."}}</c> with a 4xx/5xx status. The shapes are in
/// docs/functions.md; what each route answers is <see cref="ProjectApi"/>, shared with <c>autoretrain serve</c>.
/// </summary>
public static class ApiResults
{
    public static ContentResult Ok<T>(T value, int status = StatusCodes.Ok) => new()
    {
        Content = Json.Serialize(value),
        ContentType = "application/json; charset=utf-8",
        StatusCode = status,
    };

    public static ContentResult Error(int status, string code, string message) => Of(ApiAnswer.Error(status, code, message));

    public static ContentResult Of(ApiAnswer answer) => Ok(answer.Body, answer.Status);

    public static class StatusCodes
    {
        public const int Ok = ApiAnswer.Ok;
        public const int Accepted = ApiAnswer.Accepted;
        public const int BadRequest = ApiAnswer.BadRequest;
        public const int Unauthorized = ApiAnswer.Unauthorized;
        public const int Forbidden = ApiAnswer.Forbidden;
        public const int NotFound = ApiAnswer.NotFound;
        public const int Conflict = ApiAnswer.Conflict;
        public const int ServiceUnavailable = ApiAnswer.ServiceUnavailable;
    }
}
