using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using AutoRetrain.Cloud.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AutoRetrain.Functions;

/// <summary>
/// OpenTelemetry traces and metrics of the pipeline (source and meter <c>AutoRetrain</c>), exported to Application
/// Insights only when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set. With
/// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING=ClientId=...;Authorization=AAD</c> (what infra/bicep sets, local auth
/// being disabled) the exporter signs in as that managed identity.
/// </summary>
public static class Telemetry
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public static IServiceCollection AddAutoRetrainTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        string? connectionString = configuration[ConnectionStringSetting];
        var credential = CredentialFrom(configuration[AuthenticationStringSetting]);
        services.AddOpenTelemetry()
            .WithTracing(tracing =>
            {
                tracing.AddSource(PipelineMetrics.MeterName);
                if (!string.IsNullOrWhiteSpace(connectionString))
                    tracing.AddAzureMonitorTraceExporter(o => { o.ConnectionString = connectionString; o.Credential = credential; });
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(PipelineMetrics.MeterName);
                if (!string.IsNullOrWhiteSpace(connectionString))
                    metrics.AddAzureMonitorMetricExporter(o => { o.ConnectionString = connectionString; o.Credential = credential; });
            });
        return services;
    }

    /// <summary><c>Authorization=AAD</c> with an optional <c>ClientId</c>: Entra sign-in; anything else: none (key-based ingestion).</summary>
    public static TokenCredential? CredentialFrom(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString)) return null;
        var parts = authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var authorization) || !authorization.Equals("AAD", StringComparison.OrdinalIgnoreCase))
            return null;
        return parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
