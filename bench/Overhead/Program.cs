using System.CommandLine;
using Orleans.Adaptive.Bench.Overhead;
using Orleans.Adaptive.CommandLine;

var root = new RootCommand(
    "Grain-call throughput of a plain Orleans cluster and of one with AddAdaptiveRuntime, measured in alternating " +
    "rounds of the same run, reported as a ratio.");
OverheadCommand.Configure(root);
return await CommandLineRunner.RunAsync(root, args);
