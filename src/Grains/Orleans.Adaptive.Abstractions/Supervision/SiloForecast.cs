namespace Orleans.Adaptive;

/// <summary>One silo in a <see cref="ClusterLoadView"/>: its state, capacity, and observed and predicted load.</summary>
/// <remarks>Loads are in work units per second, the unit partitions report their work in.</remarks>
[GenerateSerializer, Immutable, Alias("adaptive.SiloForecast")]
public sealed record SiloForecast
{
    /// <summary>The silo, as <c>SiloAddress.ToParsableString()</c>.</summary>
    [Id(0)] public required string Silo { get; init; }

    /// <summary>What the silo may do.</summary>
    [Id(1)] public SiloAdaptiveState State { get; init; }

    /// <summary>The capacity the silo reported (its simulated capacity), or null when it has none.</summary>
    [Id(2)] public double? ReportedCapacity { get; init; }

    /// <summary>The capacity planning uses: the reported one, else the configured or cluster-typical one.</summary>
    [Id(3)] public double Capacity { get; init; }

    /// <summary>The load the silo reported for its last interval.</summary>
    [Id(4)] public double ObservedLoad { get; init; }

    /// <summary>The load predicted for the next interval, counting the moves the supervisor has just started.</summary>
    [Id(5)] public double PredictedLoad { get; init; }

    /// <summary>Predicted load for each of the next intervals (the first equals <see cref="PredictedLoad"/>).</summary>
    [Id(6)] public IReadOnlyList<double> PredictedLoads { get; init; } = [];

    /// <summary>Partitions active on the silo.</summary>
    [Id(7)] public int Partitions { get; init; }

    /// <summary>When the supervisor last heard from the silo.</summary>
    [Id(8)] public DateTimeOffset LastReportAt { get; init; }

    /// <summary><see cref="PredictedLoad"/> ÷ <see cref="Capacity"/>.</summary>
    public double PredictedUtilization => Capacity > 0 ? PredictedLoad / Capacity : 0;

    /// <summary><see cref="ObservedLoad"/> ÷ <see cref="Capacity"/>.</summary>
    public double ObservedUtilization => Capacity > 0 ? ObservedLoad / Capacity : 0;
}
