using System.CommandLine;
using Orleans.Adaptive.Cli;
using Orleans.Adaptive.CommandLine;

var root = new RootCommand("adaptive: inspect and operate an Orleans.Adaptive cluster.");
root.Subcommands.Add(StatusCommand.Create());
foreach (var command in SupervisorCommands.Create())
{
    root.Subcommands.Add(command);
}

return await CommandLineRunner.RunAsync(root, args);
