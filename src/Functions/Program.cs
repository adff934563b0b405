using AutoRetrain.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddAutoRetrainFunctions(builder.Configuration);
builder.Services.AddAutoRetrainTelemetry(builder.Configuration);
builder.Build().Run();
