using System.CommandLine;
using Orleans.Adaptive.Bench.Learning;
using Orleans.Adaptive.CommandLine;

var root = new RootCommand("Evaluation harness for Orleans.Adaptive's forecasters and anomaly detectors on real data.");
root.Subcommands.Add(ForecastCommand.Create());
root.Subcommands.Add(DetectCommand.Create());
root.Subcommands.Add(SpeedCommand.Create());
return await CommandLineRunner.RunAsync(root, args);
