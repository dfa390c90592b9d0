namespace Orleans.Adaptive;

/// <summary>
/// The supervisor's immutable picture of the cluster for the next intervals: per silo its state, capacity and
/// predicted load. Published to every silo, where the predicted-load placement director reads it.
/// </summary>
[GenerateSerializer, Immutable, Alias("adaptive.ClusterLoadView")]
public sealed record ClusterLoadView
{
    /// <summary>Increases with every view the supervisor publishes.</summary>
    [Id(0)] public long Version { get; init; }

    /// <summary>When the view was built.</summary>
    [Id(1)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Time between the supervisor's cycles (the length of one predicted interval).</summary>
    [Id(2)] public TimeSpan CycleInterval { get; init; }

    /// <summary>
    /// Whether adaptation is on. When off, placement behaves as Orleans' resource-optimized placement and nothing is
    /// moved.
    /// </summary>
    [Id(3)] public bool AdaptationEnabled { get; init; }

    /// <summary>Version of the forecasting models that produced the predictions (it grows with every refit).</summary>
    [Id(4)] public long ModelVersion { get; init; }

    /// <summary>The silos.</summary>
    [Id(5)] public IReadOnlyList<SiloForecast> Silos { get; init; } = [];

    /// <summary>Load a newly placed partition is expected to bring (the median predicted partition load).</summary>
    [Id(6)] public double ExpectedPartitionLoad { get; init; }

    /// <summary>Silos an autoscaler should run for the predicted load, or null when capacity is unknown.</summary>
    [Id(7)] public int? DesiredSilos { get; init; }

    /// <summary>The utilization the scale advice aims at.</summary>
    [Id(8)] public double TargetUtilization { get; init; }

    /// <summary>Total predicted load ÷ total capacity of the active silos.</summary>
    [Id(9)] public double BalancedUtilization { get; init; }
}
