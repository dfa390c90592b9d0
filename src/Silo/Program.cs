using System.CommandLine;
using Orleans.Adaptive.CommandLine;
using Orleans.Adaptive.Silo.Demo;
using Orleans.Adaptive.Silo.Serve;

var root = new RootCommand(
    "Orleans.Adaptive silo host. With no command it runs the local demo: several silos in this process, a workload " +
    "replayed from a real trace, and a live view. 'serve' runs one production silo.");
DemoCommand.Configure(root);
root.Subcommands.Add(ServeCommand.Create());
return await CommandLineRunner.RunAsync(root, args);
