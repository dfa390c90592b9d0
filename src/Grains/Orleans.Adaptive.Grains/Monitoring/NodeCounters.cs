using Orleans.Adaptive.Capacity;

namespace Orleans.Adaptive.Monitoring;

/// <summary>
/// Everything the node sampler reads at one instant: cumulative counters (turned into rates by differencing two
/// readings) and current levels.
/// </summary>
internal sealed record NodeCounters
{
    /// <summary>When the counters were read (from <see cref="TimeProvider.GetTimestamp"/>).</summary>
    public required long Timestamp { get; init; }

    public required DateTimeOffset WallClock { get; init; }

    public NodeResourceReading Resources { get; init; }

    public long GcCollections { get; init; }

    public TimeSpan GcPause { get; init; }

    public double? ThreadPoolQueueLength { get; init; }

    public double? ThreadPoolThreads { get; init; }

    /// <summary>Silos sampling in this process (<see cref="ProcessSilos"/>).</summary>
    public int SilosInProcess { get; init; } = 1;

    public RequestCounters Requests { get; init; } = RequestCounters.Empty;

    public OrleansCounters Orleans { get; init; }

    public ExecutorCounters Executor { get; init; }

    public int PartitionsTracked { get; init; }

    public IReadOnlyDictionary<GrainId, PartitionTotals> Partitions { get; init; } = new Dictionary<GrainId, PartitionTotals>();
}
