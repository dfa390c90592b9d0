namespace Orleans.Adaptive;

/// <summary>
/// Options of the Orleans.Adaptive silo runtime, set through <c>siloBuilder.AddAdaptiveRuntime(options => …)</c> or
/// bound from the configuration section <c>Adaptive:Runtime</c> by the silo host.
/// </summary>
/// <remarks>They are validated when the silo starts; an invalid value stops it with a message naming the option.</remarks>
public sealed class AdaptiveRuntimeOptions
{
    /// <summary>How each silo's node monitor samples.</summary>
    public NodeMonitorOptions NodeMonitor { get; set; } = new();

    /// <summary>The silo's simulated capacity (off by default).</summary>
    public SimulatedCapacityOptions Capacity { get; set; } = new();

    /// <summary>How work partitions keep their state.</summary>
    public WorkPartitionOptions Partitions { get; set; } = new();
}

/// <summary>Options of the per-silo node monitor.</summary>
public sealed class NodeMonitorOptions
{
    /// <summary>The default <see cref="SampleInterval"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultSampleInterval = TimeSpan.FromSeconds(5);

    /// <summary>The largest <see cref="SampleInterval"/> accepted: 1 hour.</summary>
    public static readonly TimeSpan MaxSampleInterval = TimeSpan.FromHours(1);

    /// <summary>The default <see cref="HistoryCapacity"/>: 720 samples (an hour at 5 s).</summary>
    public const int DefaultHistoryCapacity = 720;

    /// <summary>The largest <see cref="HistoryCapacity"/> accepted.</summary>
    public const int MaxHistoryCapacity = 1_000_000;

    /// <summary>
    /// Time between samples. Greater than zero and at most <see cref="MaxSampleInterval"/>; default
    /// <see cref="DefaultSampleInterval"/> (the local demo uses 1 s).
    /// </summary>
    public TimeSpan SampleInterval { get; set; } = DefaultSampleInterval;

    /// <summary>Samples kept per silo, 2 to <see cref="MaxHistoryCapacity"/>; default <see cref="DefaultHistoryCapacity"/>.</summary>
    public int HistoryCapacity { get; set; } = DefaultHistoryCapacity;
}

/// <summary>
/// Options of the silo's simulated capacity: a budget of work units per second that partition work consumes, with a
/// bounded queue. It gives silos that share one machine (the local demo, tests, benchmarks) distinct, measurable
/// load and queueing, and lets fault injection degrade one silo.
/// </summary>
public sealed class SimulatedCapacityOptions
{
    /// <summary>The default <see cref="MaxQueueLength"/>.</summary>
    public const int DefaultMaxQueueLength = 10_000;

    /// <summary>
    /// Work units the silo completes per second, or <see langword="null"/> (the default) for no limit. When set,
    /// it must be a finite number greater than zero.
    /// </summary>
    public double? WorkUnitsPerSecond { get; set; }

    /// <summary>
    /// Work items admitted and not finished beyond which new items are refused as overloaded; 1 or more, default
    /// <see cref="DefaultMaxQueueLength"/>.
    /// </summary>
    public int MaxQueueLength { get; set; } = DefaultMaxQueueLength;
}

/// <summary>Options of work partitions.</summary>
public sealed class WorkPartitionOptions
{
    /// <summary>The default <see cref="ProducerRetention"/>: 7 days.</summary>
    public static readonly TimeSpan DefaultProducerRetention = TimeSpan.FromDays(7);

    /// <summary>
    /// How long a partition remembers a producer that sends nothing. After that its replay window is dropped, so a
    /// retry older than this would be applied again. Greater than zero; default <see cref="DefaultProducerRetention"/>.
    /// </summary>
    public TimeSpan ProducerRetention { get; set; } = DefaultProducerRetention;
}
