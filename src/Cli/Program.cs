using AutoRetrain.Cli;

return await CliApp.RunAsync(args);
