namespace Orleans.Adaptive.Bench.Placement;

/// <summary>The JSON document <c>bench/Placement</c> writes (contract in bench/README.md).</summary>
internal sealed record PlacementReport(
    string Trace,
    string TracePath,
    PlacementRunSettings Settings,
    IReadOnlyList<StrategyResult> Strategies,
    PlacementComparison? Comparison,
    int ProcessorCount,
    string Runtime,
    DateTimeOffset StartedAt,
    double WallSeconds);

/// <summary>The settings of the run, as numbers, for the record.</summary>
internal sealed record PlacementRunSettings(
    int Silos,
    int Partitions,
    double DurationSeconds,
    double WarmupSeconds,
    double Load,
    double Skew,
    double? ShiftEverySeconds,
    IReadOnlyList<double> Capacities,
    double ItemCost,
    double MeanItemsPerSecond,
    int TraceOffset,
    int TraceWindow,
    double TraceStepSeconds,
    double SampleIntervalSeconds,
    double ImbalanceWindowSeconds,
    int Seed);

/// <summary>One strategy's pass.</summary>
internal sealed record StrategyResult
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>
    /// Mean over time of (max ÷ mean) of the silos' utilisation, each averaged over the imbalance window; 1 is
    /// perfectly even.
    /// </summary>
    public double Imbalance { get; init; }

    /// <summary>The same with per-sample (1 s) utilisation, noise included.</summary>
    public double ImbalancePerSample { get; init; }

    public double? P50Ms { get; init; }

    public double? P99Ms { get; init; }

    /// <summary>Items acknowledged per second over the measured time.</summary>
    public double Throughput { get; init; }

    /// <summary>Items acknowledged to the client but missing from the partitions' durable counts.</summary>
    public long Lost { get; init; }

    /// <summary>Items that got no acknowledgement: rejected, unknown, failed or shed.</summary>
    public long Failed { get; init; }

    /// <summary>Activations migrated during the pass (Orleans' own counter; both rebalancers use live migration).</summary>
    public long Migrations { get; init; }

    /// <summary>Partitions applied more items than were submitted (would mean an item applied twice).</summary>
    public long Duplicated { get; init; }

    public long Submitted { get; init; }

    public long Acknowledged { get; init; }

    /// <summary>Mean over time of the most loaded silo's utilisation.</summary>
    public double MeanPeakUtilization { get; init; }

    public double MeanUtilization { get; init; }

    /// <summary>The supervisor's per-cycle migration budget (adaptive only).</summary>
    public int? MigrationBudgetPerCycle { get; init; }

    /// <summary>Most migrations the supervisor started in one cycle (adaptive only).</summary>
    public int? MaxMigrationsInOneCycle { get; init; }

    public long? MigrationsFailed { get; init; }

    public double? ForecastMae { get; init; }

    public double? LastValueMae { get; init; }

    public required IReadOnlyList<SiloSeries> Silos { get; init; }

    /// <summary>Max ÷ mean utilisation per imbalance window of the measured time (null where load was too low to judge).</summary>
    public required IReadOnlyList<double?> ImbalanceSeries { get; init; }
}

/// <summary>One silo's utilisation over the measured time, one value per sample interval.</summary>
internal sealed record SiloSeries(string Name, string Silo, double Capacity, bool Weak, double MeanUtilization, int PartitionsAtEnd, IReadOnlyList<double?> Utilization);

/// <summary>The adaptive pass against the best Orleans pass of the same run.</summary>
internal sealed record PlacementComparison(
    string BestOrleansByImbalance,
    double ImbalanceRatio,
    string BestOrleansByP99,
    double P99Ratio,
    double ImbalanceTarget,
    double P99Target,
    bool NoLostWork,
    bool MigrationsWithinBudget,
    bool Met);
