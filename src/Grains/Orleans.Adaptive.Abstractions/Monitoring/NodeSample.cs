namespace Orleans.Adaptive;

/// <summary>
/// One reading of a silo's node monitor, covering the interval since the previous sample.
/// </summary>
/// <remarks>
/// Every metric is nullable: <see langword="null"/> means the reading was missing or invalid (not a number,
/// infinite, negative), never zero. Rates and percentiles are over the interval; levels are at the sample time.
/// </remarks>
[GenerateSerializer, Immutable, Alias("adaptive.NodeSample")]
public sealed record NodeSample
{
    /// <summary>The silo sampled, as <c>SiloAddress.ToParsableString()</c>.</summary>
    [Id(0)] public required string Silo { get; init; }

    /// <summary>Position of this sample in the monitor's sequence, from 1; a gap means samples were dropped.</summary>
    [Id(1)] public required long Sequence { get; init; }

    /// <summary>When the sample was taken.</summary>
    [Id(2)] public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Length of the interval the rates cover, measured, in seconds.</summary>
    [Id(3)] public double IntervalSeconds { get; init; }

    /// <summary>Process CPU usage over the interval, percent of all cores (0–100).</summary>
    [Id(4)] public double? CpuPercent { get; init; }

    /// <summary>Memory used by the process (working set), MiB.</summary>
    [Id(5)] public double? MemoryUsedMb { get; init; }

    /// <summary>Memory still available to the process on its machine or container, MiB.</summary>
    [Id(6)] public double? MemoryAvailableMb { get; init; }

    /// <summary>Garbage collections (all generations) during the interval.</summary>
    [Id(7)] public double? GcCollections { get; init; }

    /// <summary>Time the process spent paused for garbage collection during the interval, ms.</summary>
    [Id(8)] public double? GcPauseMs { get; init; }

    /// <summary>Work items waiting in the .NET thread pool's queues.</summary>
    [Id(9)] public double? ThreadPoolQueueLength { get; init; }

    /// <summary>Threads in the .NET thread pool.</summary>
    [Id(10)] public double? ThreadPoolThreads { get; init; }

    /// <summary>
    /// Work items completed by this silo's work partitions per second (with <c>AddAdaptiveCallStatistics</c>, every
    /// application grain call of the silo).
    /// </summary>
    [Id(11)] public double? RequestsPerSecond { get; init; }

    /// <summary>Median latency of those requests, ms; missing when there were none.</summary>
    [Id(12)] public double? LatencyP50Ms { get; init; }

    /// <summary>95th-percentile latency, ms.</summary>
    [Id(13)] public double? LatencyP95Ms { get; init; }

    /// <summary>99th-percentile latency, ms.</summary>
    [Id(14)] public double? LatencyP99Ms { get; init; }

    /// <summary>Fraction of those requests that failed (0–1); missing when there were none.</summary>
    [Id(15)] public double? ErrorRate { get; init; }

    /// <summary>Grain activations on the silo (Orleans' <c>orleans-catalog-activations</c>).</summary>
    [Id(16)] public double? ActivationCount { get; init; }

    /// <summary>Messages the silo sent per second (Orleans' messaging instruments).</summary>
    [Id(17)] public double? MessagesSentPerSecond { get; init; }

    /// <summary>Messages the silo received per second.</summary>
    [Id(18)] public double? MessagesReceivedPerSecond { get; init; }

    /// <summary>Work partitions active on the silo.</summary>
    [Id(19)] public double? PartitionCount { get; init; }

    /// <summary>Work units completed per second by the silo's executor.</summary>
    [Id(20)] public double? WorkUnitsPerSecond { get; init; }

    /// <summary>The silo's simulated capacity, work units per second; missing when unlimited.</summary>
    [Id(21)] public double? CapacityWorkUnitsPerSecond { get; init; }

    /// <summary>Fraction of the interval the simulated capacity was busy (0–1); missing when unlimited.</summary>
    [Id(22)] public double? Utilization { get; init; }

    /// <summary>Work items admitted to the executor and not finished (waiting or in service).</summary>
    [Id(23)] public double? QueueLength { get; init; }

    /// <summary>Work items the executor refused during the interval because its queue was full.</summary>
    [Id(24)] public double? RejectedItems { get; init; }

    /// <summary>
    /// Silos hosted by the same process (1 in production; several in the demo, the in-process benchmarks and tests).
    /// Above 1 the process-wide readings (CPU, memory, GC, thread pool) belong to all of them together.
    /// </summary>
    [Id(25)] public int SilosInProcess { get; init; } = 1;
}
