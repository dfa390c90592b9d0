using System.CommandLine;
using Orleans.Adaptive.Bench.Scale;
using Orleans.Adaptive.CommandLine;

var root = new RootCommand(
    "Times the supervisor's cycle, the rebalance planner and the placement director on synthetic silos and partitions " +
    "(no cluster): the same code the silos run, at a scale no test machine can host.");
ScaleCommand.Configure(root);
return await CommandLineRunner.RunAsync(root, args);
