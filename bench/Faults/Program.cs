using System.CommandLine;
using Orleans.Adaptive.Bench.Faults;
using Orleans.Adaptive.CommandLine;

var root = new RootCommand(
    "Runs fault scenarios under a trace-driven workload, with plain Orleans (membership only) and with " +
    "Orleans.Adaptive, and reports detection, lead time, recovery, false alarms, lost or duplicated work and latency.");
FaultsCommand.Configure(root);
return await CommandLineRunner.RunAsync(root, args);
