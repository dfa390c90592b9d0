using System.CommandLine;
using Orleans.Adaptive.Bench.Placement;
using Orleans.Adaptive.CommandLine;

var root = new RootCommand(
    "Replays a trace as partition load on an in-process cluster with simulated capacities (one silo weaker), once per " +
    "placement strategy, and compares imbalance, latency, throughput, failed or lost items and migrations.");
PlacementCommand.Configure(root);
return await CommandLineRunner.RunAsync(root, args);
