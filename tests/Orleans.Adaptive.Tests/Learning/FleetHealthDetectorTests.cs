using Orleans.Adaptive.Learning.Health;

namespace Orleans.Adaptive.Tests.Learning;

public sealed class FleetHealthDetectorTests
{
    private static readonly HealthMetric[] Metrics =
    [
        new("cost", AbsoluteFloor: 1e-4, RelativeFloor: 0.05),
        new("latency-p99", AbsoluteFloor: 1, RelativeFloor: 0.1),
        new("errors", AbsoluteFloor: 0.01, RelativeFloor: 0),
        new("memory", AbsoluteFloor: 0.01, RelativeFloor: 0, Limit: 1.0),
    ];

    [Fact]
    public void AHealthyFleet_WithNoiseAndCommonLoadSwings_RaisesNoFailure()
    {
        var fleet = new SyntheticFleet(nodes: 6, seed: 1);
        var detector = new FleetHealthDetector(Metrics, TimeSpan.FromSeconds(1));
        var suspectCycles = 0;
        for (var cycle = 0; cycle < 3600; cycle++)
        {
            foreach (var verdict in detector.Observe(fleet.Next()))
            {
                Assert.NotEqual(HealthState.Failing, verdict.State);
                suspectCycles += verdict.State == HealthState.Suspect ? 1 : 0;
            }
        }

        Assert.True(detector.Trainings >= 1);
        Assert.True(suspectCycles < 3600 * 6 / 100, $"suspect in {suspectCycles} node-cycles");
    }

    [Fact]
    public void ANodeWhoseCostRises_IsFailingWellBeforeItBreaks_AndTheCostIsNamed()
    {
        var fleet = new SyntheticFleet(nodes: 6, seed: 2);
        var detector = new FleetHealthDetector(Metrics, TimeSpan.FromSeconds(1));
        Warm(detector, fleet, 400);

        // Capacity falls linearly to 10% over 60 cycles: cost per unit of work grows tenfold.
        int? failingAt = null;
        IReadOnlyList<HealthContribution> top = [];
        for (var t = 0; t < 60 && failingAt is null; t++)
        {
            fleet.CostFactor[3] = 1 / (1 - 0.9 * t / 60.0);
            var verdict = detector.Observe(fleet.Next()).Single(v => v.Node == "node-3");
            if (verdict.State == HealthState.Failing)
            {
                failingAt = t;
                top = verdict.TopFeatures;
            }
        }

        Assert.NotNull(failingAt);
        Assert.True(failingAt <= 30, $"failing only after {failingAt} of 60 cycles");
        // Latency grows with cost in this fleet, so either may lead; cost must be named, far from its baseline.
        var cost = Assert.Single(top, f => f.Feature == "cost");
        Assert.True(cost.Deviation > 3, $"cost deviation {cost.Deviation}");
    }

    [Fact]
    public void ANodeEveryOneOfWhichSlowsTogether_IsNobodysFault()
    {
        var fleet = new SyntheticFleet(nodes: 6, seed: 3);
        var detector = new FleetHealthDetector(Metrics, TimeSpan.FromSeconds(1));
        Warm(detector, fleet, 400);
        for (var t = 0; t < 120; t++)
        {
            fleet.CommonLatencyFactor = 1 + 2 * t / 120.0; // a cluster-wide load peak triples every latency
            Assert.All(detector.Observe(fleet.Next()), v => Assert.NotEqual(HealthState.Failing, v.State));
        }
    }

    [Fact]
    public void ShortBlips_NeverMakeANodeFailing_ButTheSameExcursionSustainedDoes()
    {
        var fleet = new SyntheticFleet(nodes: 5, seed: 9);
        var detector = new FleetHealthDetector(Metrics, TimeSpan.FromSeconds(1));
        Warm(detector, fleet, 300);

        // Every 20 readings, three readings of a tripled cost on node 4: a GC burst, not a failing machine.
        for (var t = 0; t < 600; t++)
        {
            fleet.CostFactor[4] = t % 20 < 3 ? 3 : 1;
            Assert.All(detector.Observe(fleet.Next()), v => Assert.NotEqual(HealthState.Failing, v.State));
        }

        fleet.CostFactor[4] = 3;
        var failing = false;
        for (var t = 0; t < 40 && !failing; t++)
        {
            failing = detector.Observe(fleet.Next()).Single(v => v.Node == "node-4").State == HealthState.Failing;
        }

        Assert.True(failing, "a sustained tripling of the cost was not flagged within 40 readings");
    }

    [Theory]
    [InlineData(1.2, 0.0, true)] // the forest alone: four ordinary values, all high at once, are "anomalous"
    [InlineData(1.2, 1.5, false)] // the default: none of them is far out, so it is no failure
    [InlineData(2.5, 1.5, true)] // clearly out, though below the extreme rule's 6σ: the forest's alarm counts
    public void TheForestsAlarm_CountsOnlyWhenSomeMetricIsFarOut(double shift, double minimumDeviation, bool expectAlarm)
    {
        // Four independent metrics of unit noise, judged against each node's own baseline only (no peers, so the
        // shifted node's features are its shift). Node 5 then reads exactly `shift` σ high on all four.
        HealthMetric[] metrics = [.. "abcd".Select(name => new HealthMetric(name.ToString(), AbsoluteFloor: 0.5, RelativeFloor: 0, PeerRelative: false))];
        var detector = new FleetHealthDetector(metrics, TimeSpan.FromSeconds(1), new FleetHealthOptions { MinimumAnomalyDeviation = minimumDeviation });
        var random = new Random(11);
        List<NodeReading> Cycle(double? shifted) => Enumerable.Range(0, 6)
            .Select(n => new NodeReading($"node-{n}", n == 5 && shifted is { } value
                ? [value, value, value, value]
                : [Gaussian(random), Gaussian(random), Gaussian(random), Gaussian(random)]))
            .ToList();

        for (var t = 0; t < 600; t++)
        {
            detector.Observe(Cycle(null));
        }

        Assert.True(detector.Trainings >= 1);
        var alarms = 0;
        for (var t = 0; t < 60; t++)
        {
            var verdict = detector.Observe(Cycle(shift)).Single(v => v.Node == "node-5");
            alarms += verdict.Evidence.HasFlag(HealthEvidence.Anomalous) ? 1 : 0;
        }

        if (expectAlarm)
        {
            Assert.True(alarms >= 50, $"the forest's alarm counted in only {alarms} of 60 shifted readings");
        }
        else
        {
            Assert.Equal(0, alarms);
        }
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void ARestartedDetector_WithTheSavedBaselines_FlagsANodeThatDegradedMeanwhile_AFreshOneLearnsItAsNormal()
    {
        var fleet = new SyntheticFleet(nodes: 6, seed: 6);
        var before = new FleetHealthDetector(Metrics, TimeSpan.FromSeconds(1));
        Warm(before, fleet, 400);
        var saved = before.Baselines();
        Assert.Equal(6, saved.Count);

        // The supervisor's silo dies while node 3 is degrading: it is at 2.5 times its cost when the new one starts.
        fleet.CostFactor[3] = 2.5;
        var restored = new FleetHealthDetector(Metrics, TimeSpan.FromSeconds(1));
        Assert.All(saved, b => Assert.True(restored.RestoreBaseline(b)));
        var fresh = new FleetHealthDetector(Metrics, TimeSpan.FromSeconds(1));
        int? restoredFailingAt = null;
        var freshFailing = false;
        for (var t = 0; t < 300; t++)
        {
            var readings = fleet.Next();
            if (restored.Observe(readings).Single(v => v.Node == "node-3").State == HealthState.Failing)
            {
                restoredFailingAt ??= t;
            }

            freshFailing |= fresh.Observe(readings).Any(v => v.State == HealthState.Failing);
        }

        Assert.NotNull(restoredFailingAt);
        Assert.True(restoredFailingAt <= 20, $"failing only after {restoredFailingAt} readings");
        Assert.False(freshFailing); // the problem the saved baselines solve
    }

    [Fact]
    public void ASavedBaseline_OfOtherMetrics_OrWithBadNumbers_IsRefused()
    {
        var detector = new FleetHealthDetector(Metrics, TimeSpan.FromSeconds(1));
        string[] names = ["cost", "latency-p99", "errors", "memory"];
        Assert.True(detector.RestoreBaseline(new NodeBaseline("a", names, [0.001, 20, 0, double.NaN], [1e-4, 2, 0.01, double.NaN])));
        Assert.False(detector.RestoreBaseline(new NodeBaseline("b", ["cost", "latency-p50", "errors", "memory"], [0.001, 20, 0, 0.2], [1e-4, 2, 0.01, 0.01])));
        Assert.False(detector.RestoreBaseline(new NodeBaseline("c", names[..3], [0.001, 20, 0], [1e-4, 2, 0.01])));
        Assert.False(detector.RestoreBaseline(new NodeBaseline("d", names, [0.001, double.PositiveInfinity, 0, 0.2], [1e-4, 2, 0.01, 0.01])));
        Assert.False(detector.RestoreBaseline(new NodeBaseline("e", names, [0.001, 20, 0, 0.2], [1e-4, -2, 0.01, 0.01])));
        var baseline = Assert.Single(detector.Baselines());
        Assert.Equal("a", baseline.Node);
        Assert.True(double.IsNaN(baseline.Center[3]));
    }

    [Fact]
    public void AWeakNode_IsJudgedAgainstItsOwnBaseline()
    {
        var fleet = new SyntheticFleet(nodes: 4, seed: 4);
        fleet.CostFactor[0] = 2; // half the capacity of the others from the start
        var detector = new FleetHealthDetector(Metrics, TimeSpan.FromSeconds(1));
        for (var t = 0; t < 1200; t++)
        {
            Assert.All(detector.Observe(fleet.Next()), v => Assert.NotEqual(HealthState.Failing, v.State));
        }
    }

    [Fact]
    public void AMemoryLeak_IsFailingBeforeTheLimit_FromItsTrend()
    {
        var fleet = new SyntheticFleet(nodes: 4, seed: 5);
        var detector = new FleetHealthDetector(Metrics, TimeSpan.FromSeconds(1));
        Warm(detector, fleet, 300);

        // From 20% to the limit in 90 s.
        NodeHealth? failing = null;
        var t = 0;
        for (; t < 90 && failing is null; t++)
        {
            fleet.MemoryLevel[1] = 0.2 + 0.8 * t / 90.0;
            var verdict = detector.Observe(fleet.Next()).Single(v => v.Node == "node-1");
            failing = verdict.State == HealthState.Failing ? verdict : null;
        }

        Assert.NotNull(failing);
        Assert.True(90 - t >= 30, $"failing only {90 - t} s before the limit");
        Assert.True(failing.Evidence.HasFlag(HealthEvidence.Exhaustion) || failing.Evidence.HasFlag(HealthEvidence.Anomalous));
        Assert.Contains(failing.TopFeatures, f => f.Feature.StartsWith("memory", StringComparison.Ordinal));
    }

    [Fact]
    public void ASilentNode_IsSuspect_AndFailingOnceItDoesNotAnswer()
    {
        var fleet = new SyntheticFleet(nodes: 3, seed: 6);
        var detector = new FleetHealthDetector(Metrics, TimeSpan.FromSeconds(1), new FleetHealthOptions { SilentCycles = 3 });
        Warm(detector, fleet, 50);

        HealthState Observe(bool unresponsive = false)
        {
            var readings = fleet.Next().Where(r => r.Node != "node-2").ToList();
            var probe = unresponsive ? new HashSet<string> { "node-2" } : null;
            return detector.Observe(readings, probe).Single(v => v.Node == "node-2").State;
        }

        Assert.Equal(HealthState.Healthy, Observe());
        Assert.Equal(HealthState.Healthy, Observe());
        Assert.Equal(HealthState.Suspect, Observe());
        var verdict = detector.Latest("node-2")!;
        Assert.True(verdict.Evidence.HasFlag(HealthEvidence.Silent));
        Assert.Equal("readings.silent", verdict.TopFeatures[0].Feature);
        Assert.Equal(HealthState.Failing, Observe(unresponsive: true));
    }

    [Fact]
    public void AFailingNode_IsReleasedAfterSustainedCalm_AndLaterEachTimeItFailsAgain()
    {
        var fleet = new SyntheticFleet(nodes: 3, seed: 7);
        var options = new FleetHealthOptions { ReleaseCycles = 20 };
        var detector = new FleetHealthDetector(Metrics, TimeSpan.FromSeconds(1), options);
        Warm(detector, fleet, 50);

        int CyclesToRelease()
        {
            var readings = fleet.Next().Where(r => r.Node != "node-0").ToList();
            Assert.Equal(HealthState.Failing, detector.Observe(readings, new HashSet<string> { "node-0" }).Single(v => v.Node == "node-0").State);
            for (var cycle = 1; cycle <= 1000; cycle++)
            {
                if (detector.Observe(fleet.Next()).Single(v => v.Node == "node-0").State == HealthState.Healthy)
                {
                    return cycle;
                }
            }

            return int.MaxValue;
        }

        Assert.Equal(20, CyclesToRelease());
        Assert.Equal(40, CyclesToRelease());
        Assert.Equal(80, CyclesToRelease());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void ADrainedNode_IsNotReleasedOnTheAbsenceOfWhatCondemnedIt_ButOnProbationLater_WhileAMeasuredRecoveryReleasesIt(int unmeasuredReleaseFactor)
    {
        var fleet = new SyntheticFleet(nodes: 5, seed: 8);
        var options = new FleetHealthOptions { ReleaseCycles = 20, UnmeasuredReleaseFactor = unmeasuredReleaseFactor };
        var detector = new FleetHealthDetector(Metrics, TimeSpan.FromSeconds(1), options);
        Warm(detector, fleet, 400);

        // Node 2's calls get four times slower until it is Failing (and, in a cluster, quarantined and drained).
        fleet.LatencyFactor[2] = 4;
        var cycles = 0;
        while (detector.Observe(fleet.Next()).Single(v => v.Node == "node-2").State != HealthState.Failing)
        {
            Assert.True(++cycles < 200, "the slow node was never Failing");
        }

        // Drained: no calls, so no cost or latency; it is as slow as before, but nothing shows it.
        (int Cycles, NodeHealth? Verdict) CyclesToRelease(Func<List<NodeReading>> next)
        {
            for (var cycle = 1; cycle <= 1000; cycle++)
            {
                var verdict = detector.Observe(next()).Single(v => v.Node == "node-2");
                if (verdict.State == HealthState.Healthy)
                {
                    return (cycle, verdict);
                }
            }

            return (int.MaxValue, null);
        }

        var (drained, probation) = CyclesToRelease(() => fleet.Next()
            .Select(r => r.Node == "node-2" ? new NodeReading(r.Node, [double.NaN, double.NaN, r.Values[2], r.Values[3]]) : r)
            .ToList());
        Assert.InRange(drained, 20 * unmeasuredReleaseFactor, 20 * unmeasuredReleaseFactor + 2);
        Assert.Equal(HealthRelease.Probation, probation!.Release);
        Assert.Equal(drained, probation.ReleaseAfterCycles);
        Assert.Contains("probation", probation.Explain());

        // Released on probation, it gets work, is still slow, fails again; this time it recovers while measured.
        fleet.LatencyFactor[2] = 4;
        cycles = 0;
        while (detector.Observe(fleet.Next()).Single(v => v.Node == "node-2").State != HealthState.Failing)
        {
            Assert.True(++cycles < 200, "the slow node was never Failing again");
        }

        fleet.LatencyFactor[2] = 1;
        var (measured, recovered) = CyclesToRelease(fleet.Next);
        Assert.InRange(measured, 40, 40 + 10);
        Assert.Equal(HealthRelease.Recovered, recovered!.Release);
        Assert.Contains("measured calm", recovered.Explain());
    }

    [Fact]
    public void TheSameReadings_GiveTheSameVerdicts()
    {
        static List<(string, HealthState, double)> Run()
        {
            var fleet = new SyntheticFleet(nodes: 4, seed: 8);
            var detector = new FleetHealthDetector(Metrics, TimeSpan.FromSeconds(1));
            var verdicts = new List<(string, HealthState, double)>();
            for (var t = 0; t < 500; t++)
            {
                fleet.CostFactor[2] = t > 400 ? 1 + (t - 400) / 20.0 : 1;
                verdicts.AddRange(detector.Observe(fleet.Next()).Select(v => (v.Node, v.State, v.Score)));
            }

            return verdicts;
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void BadReadings_AreRefusedWithTheNodeNamed()
    {
        var detector = new FleetHealthDetector(Metrics, TimeSpan.FromSeconds(1));
        var error = Assert.Throws<ArgumentException>(() => detector.Observe([new NodeReading("node-9", [1, 2])]));
        Assert.Contains("node-9", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FleetHealthDetector([new HealthMetric("x", AbsoluteFloor: 0)], TimeSpan.FromSeconds(1)));
    }

    private static void Warm(FleetHealthDetector detector, SyntheticFleet fleet, int cycles)
    {
        for (var t = 0; t < cycles; t++)
        {
            detector.Observe(fleet.Next());
        }
    }

    /// <summary>
    /// Nodes whose readings follow a shared daily-like load swing with per-node noise: cost per unit of work with 3%
    /// noise, latency that grows with load, rare errors, memory that wanders around 20%.
    /// </summary>
    private sealed class SyntheticFleet
    {
        private readonly Random _random;
        private readonly int _nodes;
        private int _t;

        public SyntheticFleet(int nodes, int seed)
        {
            _nodes = nodes;
            _random = new Random(seed);
            CostFactor = Enumerable.Repeat(1.0, nodes).ToArray();
            MemoryLevel = Enumerable.Repeat(0.2, nodes).ToArray();
            LatencyFactor = Enumerable.Repeat(1.0, nodes).ToArray();
        }

        public double[] CostFactor { get; }

        public double[] MemoryLevel { get; }

        /// <summary>Per node, a factor on latency alone (a slow dependency), not on cost.</summary>
        public double[] LatencyFactor { get; }

        public double CommonLatencyFactor { get; set; } = 1;

        public List<NodeReading> Next()
        {
            _t++;
            var load = 0.5 + 0.3 * Math.Sin(_t / 300.0);
            var readings = new List<NodeReading>(_nodes);
            for (var i = 0; i < _nodes; i++)
            {
                var cost = 0.001 * CostFactor[i] * (1 + 0.03 * Gaussian());
                var latency = CommonLatencyFactor * LatencyFactor[i] * 20 * CostFactor[i] / (1 - 0.9 * load) * Math.Exp(0.15 * Gaussian());
                var errors = _random.NextDouble() < 0.01 ? 0.002 : 0;
                var memory = MemoryLevel[i] + 0.005 * Gaussian();
                readings.Add(new NodeReading($"node-{i}", [cost, latency, errors, memory]));
            }

            return readings;
        }

        private double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
    }
}
