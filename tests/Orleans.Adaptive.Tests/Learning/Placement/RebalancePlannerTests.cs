using Orleans.Adaptive.Learning.Placement;

namespace Orleans.Adaptive.Tests.Learning.Placement;

public sealed class RebalancePlannerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Plan_NeverExceedsTheBudget()
    {
        var planner = new RebalancePlanner(new RebalanceOptions { MaxMovesPerCycle = 3, HotCycles = 1 });
        var cluster = new Cluster([1000, 1000, 1000, 1000]);
        cluster.AddPartitions(silo: 0, count: 50, load: 30); // silo 0 at 150%, the rest empty

        var plan = cluster.Plan(planner, Start);

        Assert.Equal(3, plan.Moves.Count);
        Assert.All(plan.Moves, move => Assert.Equal("silo-0", move.From));
    }

    [Fact]
    public void AMovedPartition_StaysPut_UntilItsCooldownEnds()
    {
        var planner = new RebalancePlanner(new RebalanceOptions { MaxMovesPerCycle = 2, HotCycles = 1, PartitionCooldown = TimeSpan.FromSeconds(30) });
        var cluster = new Cluster([1000, 1000]);
        cluster.AddPartitions(silo: 0, count: 4, load: 400);

        var first = cluster.Plan(planner, Start).Moves.Select(m => m.Partition).ToHashSet();
        Assert.NotEmpty(first);

        // The moves did not happen (say they failed): the same partitions may not be picked again during the cool-down.
        var during = cluster.Plan(planner, Start.AddSeconds(10));
        Assert.DoesNotContain(during.Moves, move => first.Contains(move.Partition));
        Assert.True(during.CoolingDown >= first.Count);

        var after = cluster.Plan(planner, Start.AddSeconds(45));
        Assert.Contains(after.Moves, move => first.Contains(move.Partition));
    }

    [Fact]
    public void AOneCycleSpike_MovesNothing_ASustainedOneDoes()
    {
        var planner = new RebalancePlanner(new RebalanceOptions { HotCycles = 2 });
        var balanced = new Cluster([1000, 1000, 1000]);
        balanced.AddPartitions(silo: 0, count: 10, load: 40);
        balanced.AddPartitions(silo: 1, count: 10, load: 40);
        balanced.AddPartitions(silo: 2, count: 10, load: 40);
        var spiked = new Cluster([1000, 1000, 1000]);
        spiked.AddPartitions(silo: 0, count: 10, load: 90);
        spiked.AddPartitions(silo: 1, count: 10, load: 40);
        spiked.AddPartitions(silo: 2, count: 10, load: 40);

        Assert.Empty(spiked.Plan(planner, Start).Moves);
        Assert.Empty(balanced.Plan(planner, Start.AddSeconds(1)).Moves);
        Assert.Empty(spiked.Plan(planner, Start.AddSeconds(2)).Moves);
        Assert.NotEmpty(spiked.Plan(planner, Start.AddSeconds(3)).Moves);
    }

    [Fact]
    public void AMoveThatDoesNotHelp_IsNotMade()
    {
        // One huge partition: moving it would only make the other silo the hot one.
        var planner = new RebalancePlanner(new RebalanceOptions { HotCycles = 1 });
        var cluster = new Cluster([1000, 1000]);
        cluster.AddPartitions(silo: 0, count: 1, load: 900);
        cluster.AddPartitions(silo: 1, count: 1, load: 100);

        var plan = cluster.Plan(planner, Start);

        Assert.Empty(plan.Moves);
        Assert.Equal(["silo-0"], plan.HotSilos);
    }

    [Fact]
    public void AHotPartitionLargerThanAnySilosSpareRoom_StillMoves_WhenThatLowersThePeak()
    {
        // A weak silo (500) at 90% with one 450-unit partition; two strong silos at 30%. Balanced is 0.42, so a strong
        // silo has only 162 units of room below 1.1 × balanced, yet moving the partition takes the peak from 90% to
        // 75%: it must move.
        var planner = new RebalancePlanner(new RebalanceOptions { HotCycles = 1 });
        var cluster = new Cluster([500, 1000, 1000]);
        cluster.AddPartition(silo: 0, load: 450);
        cluster.AddPartitions(silo: 1, count: 3, load: 100);
        cluster.AddPartitions(silo: 2, count: 3, load: 100);

        var plan = cluster.Plan(planner, Start);

        var move = Assert.Single(plan.Moves);
        Assert.Equal("p0", move.Partition);
        Assert.Equal(0.75, move.ToUtilizationAfter, 9);
    }

    [Fact]
    public void AHotSilo_ShedsThePartitionThatLowersThePeakMost()
    {
        // Weak silo at 80% (300 + 100); strong ones at 40%. Moving the 100 leaves a 60% peak, moving the 300 a 70% one.
        var planner = new RebalancePlanner(new RebalanceOptions { HotCycles = 1 });
        var cluster = new Cluster([500, 1000, 1000]);
        cluster.AddPartition(silo: 0, load: 300);
        cluster.AddPartition(silo: 0, load: 100);
        cluster.AddPartitions(silo: 1, count: 4, load: 100);
        cluster.AddPartitions(silo: 2, count: 4, load: 100);

        var plan = cluster.Plan(planner, Start);

        Assert.Equal("p1", plan.Moves[0].Partition);
        Assert.Equal(0.6, plan.Moves[0].FromUtilizationAfter, 9);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void RepeatedCycles_Converge_AndThenStopMoving(int seed)
    {
        var random = new Random(seed);
        var options = new RebalanceOptions { MaxMovesPerCycle = 5, HotCycles = 2, PartitionCooldown = TimeSpan.FromSeconds(5) };
        var planner = new RebalancePlanner(options);
        var cluster = new Cluster([1000, 1000, 800, 500, 1200]);
        for (var p = 0; p < 120; p++)
        {
            // Zipf-like loads, placed at random: a realistic starting imbalance.
            cluster.AddPartition(random.Next(cluster.SiloCount), 400.0 / Math.Pow(p + 1, 0.8));
        }

        var initial = cluster.Imbalance();
        var now = Start;
        var quietCycles = 0;
        var totalMoves = 0;
        for (var cycle = 0; cycle < 200 && quietCycles < 20; cycle++)
        {
            var plan = cluster.Plan(planner, now);
            Assert.True(plan.Moves.Count <= options.MaxMovesPerCycle);
            cluster.Apply(plan);
            totalMoves += plan.Moves.Count;
            quietCycles = plan.Moves.Count == 0 ? quietCycles + 1 : 0;
            now = now.AddSeconds(1);
        }

        Assert.Equal(20, quietCycles); // it stopped moving
        var final = cluster.Imbalance();
        Assert.True(final <= 1 + options.ImbalanceThreshold + 1e-9 || final < initial, $"imbalance {initial:0.00} → {final:0.00}");
        Assert.True(final <= 1 + options.ImbalanceThreshold + 1e-9, $"imbalance {initial:0.00} → {final:0.00} after {totalMoves} moves");
        Assert.True(totalMoves < 120, $"{totalMoves} moves for 120 partitions");
    }

    [Fact]
    public void ADrainingSilo_IsEmptied_OntoActiveSilosOnly()
    {
        var planner = new RebalancePlanner(new RebalanceOptions { MaxMovesPerCycle = 4 });
        var cluster = new Cluster([1000, 1000, 1000, 1000]);
        cluster.AddPartitions(silo: 0, count: 10, load: 20);
        cluster.AddPartitions(silo: 1, count: 10, load: 20);
        cluster.AddPartitions(silo: 2, count: 3, load: 0);
        cluster.Roles[2] = SiloRole.Draining;
        cluster.Roles[3] = SiloRole.Quarantined;
        cluster.AddPartitions(silo: 3, count: 3, load: 50);

        for (var cycle = 0; cycle < 3; cycle++)
        {
            var plan = cluster.Plan(planner, Start.AddSeconds(cycle));
            Assert.All(plan.Moves, move => Assert.Contains(move.To, new[] { "silo-0", "silo-1" }));
            Assert.True(plan.Moves.Count <= 4);
            cluster.Apply(plan);
        }

        Assert.Equal(0, cluster.PartitionsOn(2));
        Assert.Equal(0, cluster.PartitionsOn(3));
    }

    [Fact]
    public void EveryMove_ExplainsItself_WithItsFigures()
    {
        var planner = new RebalancePlanner(new RebalanceOptions { HotCycles = 1, MaxMovesPerCycle = 1 });
        var cluster = new Cluster([1000, 1000]);
        cluster.AddPartitions(silo: 0, count: 4, load: 200);

        var move = Assert.Single(cluster.Plan(planner, Start).Moves);

        Assert.Equal(MoveReason.HotSilo, move.Reason);
        Assert.Equal(0.8, move.FromUtilizationBefore, 9);
        Assert.Equal(0.6, move.FromUtilizationAfter, 9);
        Assert.Equal(0.2, move.ToUtilizationAfter, 9);
        Assert.Equal(0.4, move.BalancedUtilization, 9);
        Assert.Contains("80%", move.Explain(), StringComparison.Ordinal);
    }

    /// <summary>A toy cluster: silos with capacities, partitions with loads, moves applied as planned.</summary>
    private sealed class Cluster(double[] capacities)
    {
        private readonly List<(string Name, int Silo, double Load)> _partitions = [];

        public SiloRole[] Roles { get; } = new SiloRole[capacities.Length];

        public int SiloCount => capacities.Length;

        public void AddPartition(int silo, double load) => _partitions.Add(($"p{_partitions.Count}", silo, load));

        public void AddPartitions(int silo, int count, double load)
        {
            for (var i = 0; i < count; i++)
            {
                AddPartition(silo, load);
            }
        }

        public int PartitionsOn(int silo) => _partitions.Count(p => p.Silo == silo);

        public RebalancePlan Plan(RebalancePlanner planner, DateTimeOffset now)
        {
            var silos = new SiloLoadInput[capacities.Length];
            for (var i = 0; i < silos.Length; i++)
            {
                silos[i] = new SiloLoadInput($"silo-{i}", capacities[i], _partitions.Where(p => p.Silo == i).Sum(p => p.Load), Roles[i]);
            }

            return planner.Plan(now, silos, _partitions.Select(p => new PartitionLoadInput(p.Name, p.Silo, p.Load)).ToList());
        }

        public void Apply(RebalancePlan plan)
        {
            foreach (var move in plan.Moves)
            {
                var index = _partitions.FindIndex(p => p.Name == move.Partition);
                Assert.Equal($"silo-{_partitions[index].Silo}", move.From);
                _partitions[index] = _partitions[index] with { Silo = int.Parse(move.To["silo-".Length..], System.Globalization.CultureInfo.InvariantCulture) };
            }
        }

        public double Imbalance()
        {
            var total = _partitions.Sum(p => p.Load);
            var activeCapacity = Enumerable.Range(0, capacities.Length).Where(i => Roles[i] == SiloRole.Active).Sum(i => capacities[i]);
            var balanced = total / activeCapacity;
            return Enumerable.Range(0, capacities.Length).Where(i => Roles[i] == SiloRole.Active)
                .Max(i => _partitions.Where(p => p.Silo == i).Sum(p => p.Load) / capacities[i]) / balanced;
        }
    }
}
