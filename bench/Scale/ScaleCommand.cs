using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Adaptive.CommandLine;
using Orleans.Adaptive.Learning.Placement;
using Orleans.Adaptive.Placement;
using Orleans.Adaptive.Supervision;
using Orleans.Runtime.Placement;

namespace Orleans.Adaptive.Bench.Scale;

/// <summary>The command line of bench/Scale and its three measurements.</summary>
internal static class ScaleCommand
{
    // The issue's bounds.
    private const double PlanningTargetMs = 100;
    private const double DirectorTargetNanoseconds = 5_000;

    public static void Configure(RootCommand root)
    {
        var silos = new Option<int>("--silos") { Description = "Synthetic silos.", DefaultValueFactory = _ => 1000 };
        var partitions = new Option<int>("--partitions") { Description = "Synthetic partitions.", DefaultValueFactory = _ => 100_000 };
        var cycles = new Option<int>("--cycles") { Description = "Measured supervisor cycles (after 3 warm-up cycles).", DefaultValueFactory = _ => 30 };
        var decisions = new Option<int>("--decisions") { Description = "Placement decisions timed.", DefaultValueFactory = _ => 2_000_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic loads.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "Where to write the JSON results.", DefaultValueFactory = _ => "bench/results/scale.json" };
        foreach (var option in new Option[] { silos, partitions, cycles, decisions, seed, output })
        {
            root.Options.Add(option);
        }

        root.SetAction(async (parse, cancellationToken) =>
        {
            var siloCount = parse.GetValue(silos);
            var partitionCount = parse.GetValue(partitions);
            var cycleCount = parse.GetValue(cycles);
            var decisionCount = parse.GetValue(decisions);
            var errors = new List<string>();
            if (siloCount is < 2 or > 100_000) errors.Add($"--silos must be between 2 and 100000 (was {siloCount}).");
            if (partitionCount < siloCount) errors.Add($"--partitions must be at least --silos (was {partitionCount}).");
            if (cycleCount < 1) errors.Add("--cycles must be at least 1.");
            if (decisionCount < 1000) errors.Add("--decisions must be at least 1000.");
            if (errors.Count > 0)
            {
                return CommandLineRunner.Fail(ExitCodes.InvalidInput, errors);
            }

            var report = Run(siloCount, partitionCount, cycleCount, decisionCount, parse.GetValue(seed), cancellationToken);
            await JsonOutput.WriteAsync(parse.GetValue(output)!, report, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.Silos} silos × {report.Partitions} partitions, {report.Cycles} cycles:\n" +
                $"  planner          median {report.PlannerCycleMs.Median:0.0} ms, p95 {report.PlannerCycleMs.P95:0.0} ms, max {report.PlannerCycleMs.Max:0.0} ms per cycle ({report.MovesPerCycle:0.0} moves per cycle; imbalance {report.ImbalanceBefore:0.00} → {report.ImbalanceAfter:0.00})\n" +
                $"  supervisor cycle median {report.SupervisorCycleMs.Median:0.0} ms, p95 {report.SupervisorCycleMs.P95:0.0} ms, max {report.SupervisorCycleMs.Max:0.0} ms (forecast every partition and silo, plan, publish the view)\n" +
                $"  view compile     median {report.ViewCompileMs.Median:0.00} ms per silo per cycle\n" +
                $"  director         {report.DirectorNanosecondsPerDecision:0} ns and {report.DirectorBytesPerDecision:0} bytes per decision ({report.Decisions} decisions)\n" +
                $"  targets: planning < {PlanningTargetMs} ms: planner {(report.Targets.PlannerMet ? "met" : "NOT met")}, whole supervisor cycle {(report.Targets.SupervisorCycleMet ? "met" : "NOT met")}; director < {DirectorTargetNanoseconds / 1000} µs {(report.Targets.DirectorMet ? "met" : "NOT met")}"));
            Console.Error.WriteLine($"Wrote {Path.GetFullPath(parse.GetValue(output)!)}");
            return ExitCodes.Success;
        });
    }

    private static ScaleReport Run(int siloCount, int partitionCount, int cycles, int decisions, int seed, CancellationToken cancellationToken)
    {
        const int warmupCycles = 3;
        var addresses = Enumerable.Range(0, siloCount)
            .Select(i => SiloAddress.New(new IPEndPoint(new IPAddress([10, 0, (byte)(i / 250), (byte)(i % 250 + 1)]), 11111), seed))
            .ToArray();
        var cluster = new SyntheticCluster(addresses.Select(NodeMonitorKey.For).ToArray(), partitionCount, meanUtilization: 0.6, seed);

        Console.Error.WriteLine($"Planner: {siloCount} silos × {partitionCount} partitions, {warmupCycles} + {cycles} cycles …");
        var (plannerTimes, movesPerCycle, before, after) = TimePlanner(cluster, warmupCycles, cycles, cancellationToken);

        Console.Error.WriteLine("Supervisor cycle (reports in, forecasts, plan, view out) …");
        cluster = new SyntheticCluster(addresses.Select(NodeMonitorKey.For).ToArray(), partitionCount, meanUtilization: 0.6, seed);
        var (supervisorTimes, compileTimes, view) = TimeSupervisor(cluster, warmupCycles, cycles, cancellationToken);

        Console.Error.WriteLine($"Director: {decisions} decisions on the last view …");
        var (nanoseconds, bytes) = TimeDirector(view, addresses, decisions);

        var planner = Summarize(plannerTimes);
        var supervisor = Summarize(supervisorTimes);
        return new ScaleReport(
            siloCount, partitionCount, cycles, planner, supervisor, Summarize(compileTimes),
            JsonOutput.Round(nanoseconds, 1), JsonOutput.Round(bytes, 1), decisions, JsonOutput.Round(movesPerCycle, 2),
            JsonOutput.Round(before), JsonOutput.Round(after),
            new ScaleTargets(PlanningTargetMs, DirectorTargetNanoseconds, planner.Median < PlanningTargetMs, supervisor.Median < PlanningTargetMs, nanoseconds < DirectorTargetNanoseconds),
            Environment.ProcessorCount, Environment.Version.ToString());
    }

    /// <summary>The planner alone on inputs the supervisor would give it, applying its moves between cycles.</summary>
    private static (List<double> Times, double MovesPerCycle, double ImbalanceBefore, double ImbalanceAfter) TimePlanner(
        SyntheticCluster cluster, int warmupCycles, int cycles, CancellationToken cancellationToken)
    {
        var planner = new RebalancePlanner(new RebalanceOptions { HotCycles = 2, MaxMovesPerCycle = 8, PartitionCooldown = TimeSpan.FromMinutes(1) });
        var siloIndex = cluster.Silos.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        var partitionIndex = cluster.Partitions.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);
        var times = new List<double>();
        var moves = 0;
        var now = DateTimeOffset.UnixEpoch;
        var before = Imbalance(cluster);
        for (var cycle = 0; cycle < warmupCycles + cycles; cycle++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            cluster.Step();
            var siloLoads = cluster.SiloLoads();
            var silos = new SiloLoadInput[cluster.Silos.Length];
            for (var s = 0; s < silos.Length; s++)
            {
                silos[s] = new SiloLoadInput(cluster.Silos[s], cluster.Capacities[s], siloLoads[s]);
            }

            var partitions = new PartitionLoadInput[cluster.Partitions.Length];
            for (var p = 0; p < partitions.Length; p++)
            {
                partitions[p] = new PartitionLoadInput(cluster.Partitions[p], cluster.PartitionSilo[p], cluster.Loads[p]);
            }

            var clock = Stopwatch.StartNew();
            var plan = planner.Plan(now, silos, partitions, budget: null);
            clock.Stop();
            if (cycle >= warmupCycles)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
                moves += plan.Moves.Count;
            }

            foreach (var move in plan.Moves)
            {
                cluster.PartitionSilo[partitionIndex[move.Partition]] = siloIndex[move.To];
            }

            now += TimeSpan.FromSeconds(1);
        }

        return (times, moves / (double)cycles, before, Imbalance(cluster));
    }

    /// <summary>
    /// The whole supervisor cycle as the grain runs it: every silo's report ingested (not timed: it arrives over the
    /// cycle), then one <see cref="LoadSupervisor.RunCycle"/> (timed): observe, update every partition's and silo's
    /// forecaster (with their staggered refits), plan, advise, build the view. Each silo then compiles the view.
    /// </summary>
    private static (List<double> CycleTimes, List<double> CompileTimes, ClusterLoadView View) TimeSupervisor(
        SyntheticCluster cluster, int warmupCycles, int cycles, CancellationToken cancellationToken)
    {
        var options = new AdaptiveRuntimeOptions();
        options.NodeMonitor.SampleInterval = TimeSpan.FromSeconds(1);
        var supervisor = new LoadSupervisor(options);
        var siloIndex = cluster.Silos.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        var partitionIndex = cluster.Partitions.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);
        var states = new Dictionary<string, SiloAdaptiveState>();
        var cycleTimes = new List<double>();
        var compileTimes = new List<double>();
        var now = DateTimeOffset.UnixEpoch;
        ClusterLoadView? view = null;
        for (var cycle = 0; cycle < warmupCycles + cycles; cycle++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            cluster.Step();
            foreach (var report in Reports(cluster, cycle + 1, now))
            {
                supervisor.Ingest(report, now);
            }

            var clock = Stopwatch.StartNew();
            var outcome = supervisor.RunCycle(now, activeSilos: null, adaptationEnabled: true, states);
            clock.Stop();
            var compile = Stopwatch.StartNew();
            CompiledView.Compile(outcome.View, Stopwatch.GetTimestamp());
            compile.Stop();
            if (cycle >= warmupCycles)
            {
                cycleTimes.Add(clock.Elapsed.TotalMilliseconds);
                compileTimes.Add(compile.Elapsed.TotalMilliseconds);
            }

            // The moves happen: next cycle the partitions report from their new silos.
            foreach (var move in outcome.Plan.Moves)
            {
                cluster.PartitionSilo[partitionIndex[move.Partition]] = siloIndex[move.To];
            }

            view = outcome.View;
            Console.Error.Write($"\r  cycle {cycle + 1}/{warmupCycles + cycles}: {clock.Elapsed.TotalMilliseconds:0.0} ms");
            now += TimeSpan.FromSeconds(1);
        }

        Console.Error.WriteLine();
        return (cycleTimes, compileTimes, view!);
    }

    private static IEnumerable<NodeReport> Reports(SyntheticCluster cluster, long sequence, DateTimeOffset now)
    {
        var perSilo = new List<PartitionLoad>[cluster.Silos.Length];
        for (var s = 0; s < perSilo.Length; s++)
        {
            perSilo[s] = [];
        }

        for (var p = 0; p < cluster.Partitions.Length; p++)
        {
            perSilo[cluster.PartitionSilo[p]].Add(new PartitionLoad(cluster.Partitions[p], cluster.Loads[p], cluster.Loads[p]));
        }

        for (var s = 0; s < perSilo.Length; s++)
        {
            yield return new NodeReport(
                new NodeSample
                {
                    Silo = cluster.Silos[s],
                    Sequence = sequence,
                    Timestamp = now,
                    IntervalSeconds = 1,
                    CapacityWorkUnitsPerSecond = cluster.Capacities[s],
                    WorkUnitsPerSecond = perSilo[s].Sum(static p => p.WorkUnitsPerSecond),
                },
                perSilo[s]);
        }
    }

    /// <summary>The real director on the supervisor's last view: time and allocations per decision.</summary>
    private static (double Nanoseconds, double Bytes) TimeDirector(ClusterLoadView view, SiloAddress[] silos, int decisions)
    {
        var options = Options.Create(new AdaptiveRuntimeOptions());
        var holder = new ClusterViewHolder(options, TimeProvider.System);
        var fallback = new CountingFallback();
        var services = new ServiceCollection()
            .AddKeyedSingleton<IPlacementDirector>(typeof(ResourceOptimizedPlacement), fallback)
            .BuildServiceProvider();
        var director = new PredictedLoadPlacementDirector(holder, services, options);
        var context = new FixedPlacementContext(silos);
        var targets = Enumerable.Range(0, 1024)
            .Select(i => new PlacementTarget(GrainId.Create("workpartition", $"new-{i}"), new Dictionary<string, object>(), default, 0))
            .ToArray();

        // Warm-up (JIT, tiering), then the measured loop; a fresh view every 100,000 decisions, as views arrive
        // once per cycle while placements keep coming.
        holder.Update(view with { Version = view.Version + 1 });
        for (var i = 0; i < 200_000; i++)
        {
            _ = director.OnAddActivation(PredictedLoadPlacement.Instance, targets[i & 1023], context).Result;
        }

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var elapsed = TimeSpan.Zero;
        for (var done = 0; done < decisions;)
        {
            holder.Update(view with { Version = view.Version + 2 + done });
            var batch = Math.Min(100_000, decisions - done);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < batch; i++)
            {
                _ = director.OnAddActivation(PredictedLoadPlacement.Instance, targets[i & 1023], context).Result;
            }

            elapsed += clock.Elapsed;
            done += batch;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        if (fallback.Calls > 0)
        {
            throw new InvalidOperationException($"The director fell back to Orleans' placement {fallback.Calls} times: the measurement would not be of ours.");
        }

        // View updates are outside the timed batches but their allocations are counted: report the director's own.
        var viewBytes = (double)allocated / decisions;
        return (elapsed.TotalNanoseconds / decisions, viewBytes);
    }

    private static double Imbalance(SyntheticCluster cluster)
    {
        var loads = cluster.SiloLoads();
        var utilization = loads.Select((load, s) => load / cluster.Capacities[s]).ToArray();
        return utilization.Max() / utilization.Average();
    }

    private static TimingResult Summarize(List<double> times)
    {
        var sorted = times.Order().ToArray();
        return new TimingResult(
            JsonOutput.Round(sorted[sorted.Length / 2], 3),
            JsonOutput.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * 0.95) - 1)], 3),
            JsonOutput.Round(sorted[^1], 3),
            JsonOutput.Round(sorted.Average(), 3));
    }

    private sealed class CountingFallback : IPlacementDirector
    {
        public int Calls { get; private set; }

        public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
        {
            Calls++;
            return Task.FromResult(context.GetCompatibleSilos(target)[0]);
        }
    }

    /// <summary>Every silo compatible, as for a grain type every silo hosts.</summary>
    private sealed class FixedPlacementContext(SiloAddress[] silos) : IPlacementContext
    {
        private readonly Dictionary<ushort, SiloAddress[]> _versions = new() { [0] = silos };

        public SiloAddress LocalSilo => silos[0];

        public SiloStatus LocalSiloStatus => SiloStatus.Active;

        public SiloAddress[] GetCompatibleSilos(PlacementTarget target) => silos;

        public IReadOnlyDictionary<ushort, SiloAddress[]> GetCompatibleSilosWithVersions(PlacementTarget target) => _versions;
    }
}
