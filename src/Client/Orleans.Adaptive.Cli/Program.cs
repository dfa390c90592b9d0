using System.CommandLine;
using Orleans.Adaptive.Cli;
using Orleans.Adaptive.CommandLine;

var root = new RootCommand("adaptive: inspect and operate an Orleans.Adaptive cluster.");
root.Subcommands.Add(StatusCommand.Create());
return await CommandLineRunner.RunAsync(root, args);
