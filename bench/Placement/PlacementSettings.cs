using System.Globalization;

namespace Orleans.Adaptive.Bench.Placement;

/// <summary>One benchmark run's settings, shared by every strategy's pass.</summary>
internal sealed record PlacementSettings
{
    public required string TracePath { get; init; }

    public string? TraceColumn { get; init; }

    /// <summary>First trace row replayed.</summary>
    public int TraceOffset { get; init; }

    /// <summary>Trace rows replayed over <see cref="Duration"/> (compressed in time).</summary>
    public int TraceWindow { get; init; } = 240;

    public int Silos { get; init; } = 4;

    public int Partitions { get; init; } = 200;

    /// <summary>Measured time of each pass, after <see cref="Warmup"/>.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Time at the start of each pass that is not measured (activations, first views).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Mean offered load as a fraction of the cluster's total capacity.</summary>
    public double Load { get; init; } = 0.5;

    /// <summary>Zipf exponent of partition popularity.</summary>
    public double Skew { get; init; } = 0.9;

    /// <summary>How often the hot set moves to other partitions; null: never.</summary>
    public TimeSpan? ShiftEvery { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Work units per second of a full-strength silo.</summary>
    public double Capacity { get; init; } = 1000;

    /// <summary>The weak silo's capacity as a fraction of the others'.</summary>
    public double WeakCapacityFraction { get; init; } = 0.5;

    /// <summary>Index of the weak silo.</summary>
    public int WeakSilo { get; init; }

    /// <summary>Work units per item.</summary>
    public double ItemCost { get; init; } = 4;

    /// <summary>
    /// Window over which each silo's utilisation is averaged before taking max ÷ mean. Per-second samples carry
    /// Poisson noise no placement can remove (about ±10% per silo at this load), which would squeeze every
    /// strategy's figure towards the same floor; the 1 s figure is reported too.
    /// </summary>
    public TimeSpan ImbalanceWindow { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Node-monitor sampling interval, which is also the supervisor's cycle.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(1);

    public int Seed { get; init; } = 1;

    /// <summary>The adaptive pass's rebalancing thresholds, when not the runtime's defaults.</summary>
    public double? ImbalanceThreshold { get; init; }

    /// <inheritdoc cref="ImbalanceThreshold"/>
    public double? ReleaseThreshold { get; init; }

    /// <summary>Where to write the adaptive pass's decisions (every move with its inputs and reason), if anywhere.</summary>
    public string? DecisionsPath { get; init; }

    public required IReadOnlyList<StrategyCase> Strategies { get; init; }

    public double CapacityOf(int silo) => silo == WeakSilo ? Capacity * WeakCapacityFraction : Capacity;

    public double TotalCapacity => Enumerable.Range(0, Silos).Sum(CapacityOf);

    public double MeanItemsPerSecond => Load * TotalCapacity / ItemCost;

    /// <summary>Problems with the settings, one message each.</summary>
    public IEnumerable<string> Validate()
    {
        if (Silos is < 2 or > 16) yield return $"--silos must be between 2 and 16 (was {Silos}).";
        if (Partitions < Silos) yield return $"--partitions must be at least the number of silos (was {Partitions}).";
        if (Duration < TimeSpan.FromSeconds(5)) yield return $"--duration must be at least 5 seconds (was {Duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)}).";
        if (Warmup < TimeSpan.Zero) yield return "--warmup must be 0 or more.";
        if (!(Load > 0 && Load <= 1.5)) yield return $"--load must be in (0, 1.5] (was {Load.ToString(CultureInfo.InvariantCulture)}).";
        if (!(Skew >= 0 && Skew <= 3)) yield return $"--skew must be in [0, 3] (was {Skew.ToString(CultureInfo.InvariantCulture)}).";
        if (ShiftEvery is { } shift && shift <= TimeSpan.Zero) yield return "--shift-every must be 0 (the hot set never moves) or more seconds.";
        if (!(Capacity > 0 && double.IsFinite(Capacity))) yield return "--capacity must be greater than 0.";
        if (!(WeakCapacityFraction > 0 && WeakCapacityFraction <= 1)) yield return $"--weak-capacity-fraction must be in (0, 1] (was {WeakCapacityFraction.ToString(CultureInfo.InvariantCulture)}).";
        if (WeakSilo < 0 || WeakSilo >= Silos) yield return $"--weak-silo must be a silo index below {Silos} (was {WeakSilo}).";
        if (!(ItemCost > 0 && double.IsFinite(ItemCost))) yield return "--item-cost must be greater than 0.";
        if (TraceWindow < 2) yield return "--trace-window must be at least 2 rows.";
        if (TraceOffset < 0) yield return "--trace-offset must be 0 or more.";
        if (ImbalanceWindow < SampleInterval || ImbalanceWindow > Duration) yield return "--imbalance-window must be between the sample interval (1 s) and --duration.";
        if (Strategies.Count == 0) yield return "--strategies: at least one strategy is needed.";
    }
}
