using Orleans.Adaptive.Supervision;

namespace Orleans.Adaptive.Tests.Supervision;

public sealed class LoadSupervisorTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, SiloAdaptiveState> NoStates = [];

    [Fact]
    public void TheView_PredictsEachSilo_FromItsPartitions()
    {
        var supervisor = Create();
        var now = Start;
        for (var cycle = 1; cycle <= 3; cycle++)
        {
            supervisor.Ingest(Report("a", cycle, capacity: 1000, ("p1", 100), ("p2", 50)), now);
            supervisor.Ingest(Report("b", cycle, capacity: 500, ("p3", 20)), now);
            supervisor.RunCycle(now, null, adaptationEnabled: false, NoStates);
            now = now.AddSeconds(1);
        }

        var view = supervisor.View!;
        var a = view.Silos.Single(s => s.Silo == "a");
        var b = view.Silos.Single(s => s.Silo == "b");
        Assert.Equal(150, a.PredictedLoad, 6);
        Assert.Equal(20, b.PredictedLoad, 6);
        Assert.Equal(2, a.Partitions);
        Assert.Equal(500, b.Capacity);
        Assert.Equal(170.0 / 1500, view.BalancedUtilization, 6);
        Assert.Equal(3, view.Version);
        Assert.Equal(3, a.PredictedLoads.Count);
    }

    [Fact]
    public void WithAdaptationOff_NothingIsPlanned()
    {
        var supervisor = Create();
        var outcome = RunHotCycles(supervisor, cycles: 4, adaptationEnabled: false);
        Assert.Empty(outcome.Plan.Moves);
        Assert.False(outcome.View.AdaptationEnabled);
    }

    [Fact]
    public void APlannedMove_CountsOnItsTarget_UntilConfirmed_OrTimedOut()
    {
        var supervisor = Create(o => o.Rebalancing.MigrationTimeout = TimeSpan.FromSeconds(10));
        var outcome = RunHotCycles(supervisor, cycles: 3, adaptationEnabled: true);
        var move = Assert.Single(outcome.Plan.Moves);
        Assert.Equal("a", move.From);
        Assert.Equal(1, supervisor.PendingMoves);
        // The view already shows the partition's load on the target.
        Assert.Equal(move.PartitionLoad, outcome.View.Silos.Single(s => s.Silo == "b").PredictedLoad, 6);

        // Nobody reports it on b: after the timeout the move is given up and reported.
        var later = Start.AddSeconds(20);
        supervisor.Ingest(Report("a", 10, 1000, ("p1", 300), ("p2", 300)), later);
        supervisor.Ingest(Report("b", 10, 1000), later);
        var timedOut = supervisor.RunCycle(later, null, adaptationEnabled: false, NoStates);
        Assert.Equal(move.Partition, Assert.Single(timedOut.TimedOut).Partition);
        Assert.Equal(0, supervisor.PendingMoves);
    }

    [Fact]
    public void AMoveIsConfirmed_WhenTheTargetReportsThePartition()
    {
        var supervisor = Create();
        var move = Assert.Single(RunHotCycles(supervisor, cycles: 3, adaptationEnabled: true).Plan.Moves);
        var now = Start.AddSeconds(3);
        var stays = move.Partition == "p1" ? "p2" : "p1";
        supervisor.Ingest(Report("a", 4, 1000, (stays, 300)), now);
        supervisor.Ingest(Report("b", 4, 1000, (move.Partition, 300)), now);
        var outcome = supervisor.RunCycle(now, null, adaptationEnabled: true, NoStates);
        Assert.Equal(0, supervisor.PendingMoves);
        Assert.Empty(outcome.TimedOut);
        Assert.Equal(1, outcome.View.Silos.Single(s => s.Silo == "b").Partitions);
    }

    [Fact]
    public void SilosThatLeaveMembership_OrFallSilent_AreDropped()
    {
        var supervisor = Create();
        supervisor.Ingest(Report("a", 1, 1000), Start);
        supervisor.Ingest(Report("b", 1, 1000), Start);
        supervisor.Ingest(Report("c", 1, 1000), Start.AddSeconds(30));
        var outcome = supervisor.RunCycle(Start.AddSeconds(30), new HashSet<string> { "a", "c" }, true, NoStates);
        // b left membership; a is silent for 30 cycles of 1 s (more than 5).
        Assert.Equal(["a", "b"], outcome.DepartedSilos.Order());
        Assert.Equal(["c"], outcome.View.Silos.Select(s => s.Silo));
    }

    [Fact]
    public void ThePartitionsOfADepartedSilo_AreOrphaned_AndOnlyPartitionsSeenActiveAreKnown()
    {
        var supervisor = Create();
        for (var cycle = 1; cycle <= 2; cycle++)
        {
            var now = Start.AddSeconds(cycle);
            supervisor.Ingest(Report("a", cycle, 1000, ("p1", 100), ("p2", 50)), now);
            // b still reports p3's load after it deactivated there (it counts as load, but p3 is on no silo).
            supervisor.Ingest(new NodeReport(
                new NodeSample { Silo = "b", Sequence = cycle, Timestamp = Start, CapacityWorkUnitsPerSecond = 1000, WorkUnitsPerSecond = 30 },
                [new PartitionLoad("p4", 10, 10), new PartitionLoad("p3", 20, 20, IsActive: false)]), now);
            supervisor.RunCycle(now, null, adaptationEnabled: false, NoStates);
        }

        Assert.Equal(["p1", "p2", "p4"], supervisor.KnownPartitions.Order());
        Assert.Equal(3, supervisor.PartitionCount);

        var outcome = supervisor.RunCycle(Start.AddSeconds(3), new HashSet<string> { "b" }, adaptationEnabled: false, NoStates);
        Assert.Equal(["a"], outcome.DepartedSilos);
        Assert.Equal(["p1", "p2"], outcome.OrphanedPartitions.Order());
        Assert.Equal(["p4"], supervisor.KnownPartitions);
        Assert.Equal(10, outcome.View.Silos.Single().PredictedLoad, 6);
    }

    [Fact]
    public void MalformedReadings_AreIgnored_NotTakenAsZero()
    {
        var supervisor = Create();
        supervisor.Ingest(Report("a", 1, 1000, ("p1", 100)), Start);
        supervisor.RunCycle(Start, null, false, NoStates);
        supervisor.Ingest(Report("a", 2, 1000, ("p1", double.NaN), ("p2", -5)), Start.AddSeconds(1));
        var view = supervisor.RunCycle(Start.AddSeconds(1), null, false, NoStates).View;
        Assert.Equal(100, view.Silos.Single().PredictedLoad, 6);
        Assert.Throws<ArgumentException>(() => supervisor.Ingest(new NodeReport(new NodeSample { Silo = " ", Sequence = 1, Timestamp = Start }, []), Start));
    }

    [Fact]
    public void ADrainingSilo_IsEmptied_AndGetsNothing()
    {
        var supervisor = Create();
        var states = new Dictionary<string, SiloAdaptiveState> { ["a"] = SiloAdaptiveState.Draining };
        supervisor.Ingest(Report("a", 1, 1000, ("p1", 10), ("p2", 10)), Start);
        supervisor.Ingest(Report("b", 1, 1000, ("p3", 10)), Start);
        var outcome = supervisor.RunCycle(Start, null, true, states);
        Assert.Equal(2, outcome.Plan.Moves.Count);
        Assert.All(outcome.Plan.Moves, m => Assert.Equal("b", m.To));
        Assert.Equal(SiloAdaptiveState.Draining, outcome.View.Silos.Single(s => s.Silo == "a").State);
        Assert.Equal(0, outcome.View.Silos.Single(s => s.Silo == "a").PredictedLoad, 6);
    }

    [Fact]
    public void StateSurvivesARestart()
    {
        var first = Create();
        RunHotCycles(first, cycles: 3, adaptationEnabled: true);
        var state = new SupervisorState();
        first.SaveTo(state, includeModels: true, maxPartitionModels: 100);

        var second = Create();
        second.Restore(state);
        Assert.Equal(first.Planner.LastMoved.Keys, second.Planner.LastMoved.Keys);
        Assert.Equal(first.ModelVersion, second.ModelVersion);
        second.Ingest(Report("a", 1, 1000, ("p1", 300)), Start.AddSeconds(5));
        Assert.True(second.RunCycle(Start.AddSeconds(5), null, false, NoStates).View.Version > first.View!.Version);
    }

    private static CycleOutcome RunHotCycles(LoadSupervisor supervisor, int cycles, bool adaptationEnabled)
    {
        CycleOutcome? outcome = null;
        for (var cycle = 1; cycle <= cycles; cycle++)
        {
            var now = Start.AddSeconds(cycle - 1);
            supervisor.Ingest(Report("a", cycle, 1000, ("p1", 300), ("p2", 300)), now);
            supervisor.Ingest(Report("b", cycle, 1000), now);
            outcome = supervisor.RunCycle(now, null, adaptationEnabled, NoStates);
            if (outcome.Plan.Moves.Count > 0)
            {
                break;
            }
        }

        return outcome!;
    }

    private static LoadSupervisor Create(Action<AdaptiveRuntimeOptions>? configure = null)
    {
        var options = new AdaptiveRuntimeOptions();
        options.NodeMonitor.SampleInterval = TimeSpan.FromSeconds(1);
        options.Rebalancing.HotCycles = 2;
        configure?.Invoke(options);
        return new LoadSupervisor(options);
    }

    private static NodeReport Report(string silo, long sequence, double capacity, params (string Id, double Load)[] partitions)
        => new(
            new NodeSample
            {
                Silo = silo,
                Sequence = sequence,
                Timestamp = Start,
                CapacityWorkUnitsPerSecond = capacity,
                WorkUnitsPerSecond = partitions.Where(p => double.IsFinite(p.Load) && p.Load >= 0).Sum(p => p.Load),
            },
            partitions.Select(p => new PartitionLoad(p.Id, p.Load, p.Load)).ToList());
}
