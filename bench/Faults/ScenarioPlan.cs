namespace Orleans.Adaptive.Bench.Faults;

/// <summary>A scenario made concrete for one seed: which silo each fault hits, when it starts, how long it ramps, and the blips.</summary>
internal sealed record ScenarioPlan(FaultScenario Scenario, int Seed, IReadOnlyList<PlannedFault> Faults, IReadOnlyList<PlannedBlip> Blips)
{
    /// <summary>Draws the plan of <paramref name="scenario"/> for <paramref name="seed"/>: the same seed gives the same plan.</summary>
    public static ScenarioPlan For(FaultScenario scenario, int seed)
    {
        var random = new Random(seed);
        var taken = new HashSet<int>(scenario.Faults.Where(f => f.Silo >= 0).Select(f => f.Silo));
        var faults = new List<PlannedFault>();
        foreach (var fault in scenario.Faults)
        {
            var silo = fault.Silo;
            if (silo == PlannedFault.Busiest)
            {
                var start0 = fault.StartSeconds + random.NextDouble() * fault.StartJitterSeconds;
                faults.Add(new PlannedFault(fault, fault.ParsedKind, silo, start0, fault.RampSeconds, random.Next()));
                continue;
            }

            if (silo < 0)
            {
                var free = Enumerable.Range(0, scenario.Silos).Where(s => !taken.Contains(s)).ToList();
                silo = free.Count > 0 ? free[random.Next(free.Count)] : random.Next(scenario.Silos);
            }

            taken.Add(silo);
            var start = fault.StartSeconds + random.NextDouble() * fault.StartJitterSeconds;
            var ramp = fault.RampSeconds + random.NextDouble() * fault.RampJitterSeconds;
            faults.Add(new PlannedFault(fault, fault.ParsedKind, silo, start, ramp, random.Next()));
        }

        // Blips: a Poisson process per silo, each a short, mild fault of a random kind.
        var blips = new List<PlannedBlip>();
        if (scenario.Blips is { PerSiloHour: > 0 } settings)
        {
            var meanGap = 3600 / settings.PerSiloHour;
            for (var silo = 0; silo < scenario.Silos; silo++)
            {
                for (var at = Exponential(random, meanGap); at < scenario.DurationSeconds; at += Exponential(random, meanGap))
                {
                    var length = 1 + 3 * random.NextDouble();
                    var spec = random.Next(3) switch
                    {
                        0 => new FaultSpec { Kind = FaultKind.LatencyCreep, Severity = 20 + 80 * random.NextDouble(), Ramp = TimeSpan.Zero, Duration = TimeSpan.FromSeconds(length) },
                        1 => new FaultSpec { Kind = FaultKind.GcStorm, Severity = 0.1 + 0.3 * random.NextDouble(), Ramp = TimeSpan.Zero, Duration = TimeSpan.FromSeconds(length) },
                        _ => new FaultSpec { Kind = FaultKind.ErrorBurst, Severity = 0.02 + 0.08 * random.NextDouble(), Ramp = TimeSpan.Zero, Duration = TimeSpan.FromSeconds(length) },
                    };
                    blips.Add(new PlannedBlip(silo, at, spec));
                }
            }
        }

        return new ScenarioPlan(scenario, seed, faults, blips.OrderBy(b => b.AtSeconds).ToList());
    }

    private static double Exponential(Random random, double mean) => -mean * Math.Log(1 - random.NextDouble());
}

/// <summary>One fault of a plan.</summary>
/// <param name="Definition">The scenario's fault.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Silo">The silo it hits (index).</param>
/// <param name="StartSeconds">When it starts.</param>
/// <param name="RampSeconds">How long it ramps (for a failing fault, how long the silo degrades before it dies).</param>
/// <param name="Seed">Seed of its noise.</param>
internal sealed record PlannedFault(ScenarioFault Definition, FaultKind Kind, int Silo, double StartSeconds, double RampSeconds, int Seed)
{
    /// <summary>The silo index that stands for "the busiest silo when the fault starts".</summary>
    public const int Busiest = -2;

    public string KindName => ScenarioFault.NameOf(Kind);

    /// <summary>Whether the silo dies of it (the ground truth lead times are measured against).</summary>
    public bool Fails => Kind is FaultKind.Crash or FaultKind.Freeze or FaultKind.Partition or FaultKind.MemoryLeak || Definition.FailsAtEnd;
}

/// <summary>A transient blip on a healthy silo.</summary>
internal sealed record PlannedBlip(int Silo, double AtSeconds, FaultSpec Spec);
