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

    /// <summary>The supervisor and the kill switch of everything adaptive.</summary>
    public AdaptationOptions Adaptation { get; set; } = new();

    /// <summary>How load is forecast.</summary>
    public ForecastingOptions Forecasting { get; set; } = new();

    /// <summary>How new activations are placed by predicted load.</summary>
    public PredictedPlacementOptions Placement { get; set; } = new();

    /// <summary>How partitions are moved from hot silos to silos with headroom.</summary>
    public RebalancingOptions Rebalancing { get; set; } = new();

    /// <summary>How the advised number of silos is worked out.</summary>
    public ScalingOptions Scaling { get; set; } = new();

    /// <summary>How failing silos are detected and quarantined.</summary>
    public HealthOptions Health { get; set; } = new();

    /// <summary>Fault injection, for tests, the demo and benchmarks (off by default).</summary>
    public FaultInjectionOptions FaultInjection { get; set; } = new();
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

/// <summary>Options of the supervisor, and the switch that turns adaptation off.</summary>
public sealed class AdaptationOptions
{
    /// <summary>The default <see cref="DecisionLogCapacity"/>.</summary>
    public const int DefaultDecisionLogCapacity = 1_000;

    /// <summary>
    /// Whether the runtime may adapt at all: place by predicted load and move partitions. <see langword="false"/> is
    /// the kill switch in configuration: placement then behaves as Orleans' resource-optimized placement, nothing
    /// is moved, and it cannot be switched on at run time. When <see langword="true"/> (the default), operators can
    /// still pause and resume adaptation at run time; that choice is persisted.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Time between supervisor cycles (forecast, plan, publish). Unset (the default) means the node monitors'
    /// sample interval; otherwise greater than zero and at most an hour.
    /// </summary>
    public TimeSpan? CycleInterval { get; set; }

    /// <summary>
    /// Cycles after which a silo's view of the cluster counts as stale (the supervisor is unreachable); placement
    /// then falls back to Orleans' resource-optimized placement. 2 or more; default 5.
    /// </summary>
    public int StaleViewCycles { get; set; } = 5;

    /// <summary>Decisions kept (and persisted) for explanations, 10 to 100,000; default <see cref="DefaultDecisionLogCapacity"/>.</summary>
    public int DecisionLogCapacity { get; set; } = DefaultDecisionLogCapacity;
}

/// <summary>Options of the per-silo and per-partition load forecasts.</summary>
public sealed class ForecastingOptions
{
    /// <summary>Intervals of history each model is refitted on, 10 or more; default 120.</summary>
    public int History { get; set; } = 120;

    /// <summary>Intervals between refits of one model (refits are staggered across models), 1 or more; default 30.</summary>
    public int RefitEvery { get; set; } = 30;

    /// <summary>Intervals ahead the view predicts, 1 to 60; default 3.</summary>
    public int Horizon { get; set; } = 3;
}

/// <summary>Options of the predicted-load placement director.</summary>
public sealed class PredictedPlacementOptions
{
    /// <summary>
    /// Random candidate silos compared per placement (the d of power-of-d choices), 1 to 16; default 2. More
    /// candidates follow the view more greedily, which herds more when the view is stale.
    /// </summary>
    public int Candidates { get; set; } = 2;
}

/// <summary>Options of the rebalancer (see <c>RebalancePlanner</c> for the algorithm).</summary>
public sealed class RebalancingOptions
{
    /// <summary>Whether partitions are moved at all (placement by prediction stays on). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A silo is hot above the balanced utilization by more than this fraction; above 0, default 0.2.</summary>
    public double ImbalanceThreshold { get; set; } = 0.2;

    /// <summary>A hot silo is cool again, and receivers stop receiving, at this fraction above balance; 0 to <see cref="ImbalanceThreshold"/>, default 0.1.</summary>
    public double ReleaseThreshold { get; set; } = 0.1;

    /// <summary>Cycles in a row a silo must be hot before work moves off it, 1 or more; default 2.</summary>
    public int HotCycles { get; set; } = 2;

    /// <summary>Most migrations per cycle across the cluster (the migration budget), 0 to 10,000; default 8.</summary>
    public int MaxMigrationsPerCycle { get; set; } = 8;

    /// <summary>Time a moved partition stays put before it may move again, 0 or more; default 1 minute.</summary>
    public TimeSpan PartitionCooldown { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The move cost: least drop in the pair's higher utilization a move must bring, 0 to 1; default 0.02.</summary>
    public double MinimumGain { get; set; } = 0.02;

    /// <summary>Utilization up to which a silo may receive a draining silo's partitions, above 0 and at most 1; default 0.9.</summary>
    public double DrainTargetUtilization { get; set; } = 0.9;

    /// <summary>Time allowed for a migration to show up in the target silo's report before it counts as failed; default 30 s.</summary>
    public TimeSpan MigrationTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Options of the scale signal (<c>adaptive.cluster.desired_silos</c>).</summary>
public sealed class ScalingOptions
{
    /// <summary>Utilization each silo should run at, above 0 and at most 1; default 0.7.</summary>
    public double TargetUtilization { get; set; } = 0.7;

    /// <summary>Fewest silos advised, 1 or more; default 1.</summary>
    public int MinSilos { get; set; } = 1;

    /// <summary>Most silos advised, at least <see cref="MinSilos"/>; default 1,000.</summary>
    public int MaxSilos { get; set; } = 1_000;

    /// <summary>Spare utilization required, with one silo fewer, before scaling in is advised; 0 to below 1, default 0.15.</summary>
    public double ScaleInMargin { get; set; } = 0.15;

    /// <summary>Cycles a new count must be advised in a row before it is published, 1 or more; default 3.</summary>
    public int StableCycles { get; set; } = 3;

    /// <summary>
    /// Capacity of one silo in work units per second, for silos that report none (no simulated capacity). Unset
    /// (the default): the mean of the reported capacities; with none reported, silos count as equal for balancing
    /// and no scale advice is given.
    /// </summary>
    public double? SiloCapacity { get; set; }
}

/// <summary>
/// Options of failure detection and quarantine: the supervisor scores every silo each cycle, marks it Healthy,
/// Suspect or Failing, quarantines Failing silos (placement avoids them, their partitions move off) and evicts silos
/// that stop answering. Counts are in supervisor cycles.
/// </summary>
public sealed class HealthOptions
{
    /// <summary>Whether silos are scored at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether Failing silos are quarantined and unresponsive ones evicted (with adaptation on). False: silos are
    /// still scored and changes recorded, but nothing is done. Default true.
    /// </summary>
    public bool Quarantine { get; set; } = true;

    /// <summary>
    /// Most silos quarantined at once, as a fraction of the silos in the cluster (rounded down), 0 to below 0.5;
    /// default 0.4 (1 of 3 or 4, 2 of 5 or 6). The last healthy silo is never quarantined, and when more silos stop
    /// answering at once than this allows, none is evicted: the fault is more likely on the supervisor's side.
    /// </summary>
    public double MaxQuarantinedFraction { get; set; } = 0.4;

    /// <summary>Whether a silo that stops reporting and does not answer a probe is evicted from membership. Default true.</summary>
    public bool EvictUnresponsive { get; set; } = true;

    /// <summary>Time a silo's node monitor has to answer a probe; above 0, at most 1 minute; default 2 s.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether a quarantined silo whose partitions have all moved off is asked to shut down gracefully, so that its
    /// orchestrator (systemd, Kubernetes) starts a fresh one: what a leaking process needs. Default false.
    /// </summary>
    public bool ShutdownWhenDrained { get; set; }

    /// <summary>Whether, after a silo leaves, every known partition is called at once so it re-activates from storage. Default true.</summary>
    public bool ReactivatePartitions { get; set; } = true;

    /// <summary>Cycles without a report after which a silo is Suspect and probed, 1 or more; default 3.</summary>
    public int SilentCycles { get; set; } = 3;

    /// <summary>Anomalous cycles among the last <see cref="SuspectWindow"/> that make a silo Suspect, 1 or more; default 3.</summary>
    public int SuspectCount { get; set; } = 3;

    /// <summary>Window of <see cref="SuspectCount"/>, at least <see cref="SuspectCount"/>; default 5.</summary>
    public int SuspectWindow { get; set; } = 5;

    /// <summary>
    /// Cycles a silo must stay Suspect, the last of them with evidence, before it is Failing, 1 or more; default 6.
    /// (Each metric is the median of its last 7 readings, so a blip of a few seconds never gets this far.)
    /// </summary>
    public int FailingCycles { get; set; } = 6;

    /// <summary>Calm cycles that clear a Suspect silo, 1 or more; default 10.</summary>
    public int ClearCycles { get; set; } = 10;

    /// <summary>Calm cycles that release a quarantined silo (doubled at each repeated failure), 1 or more; default 60.</summary>
    public int ReleaseCycles { get; set; } = 60;

    /// <summary>
    /// How many times longer release takes when what condemned the silo is no longer measured (drained of work, it has
    /// no latency to show): those readings hold their last values, so the silo is not released on the absence of
    /// evidence after <see cref="ReleaseCycles"/>, but only on probation after this many times as long. 1 to 100;
    /// default 4.
    /// </summary>
    public int UnmeasuredReleaseFactor { get; set; } = 4;

    /// <summary>Healthy readings per silo its baseline is taken from, 10 or more; default 300.</summary>
    public int BaselineWindow { get; set; } = 300;

    /// <summary>Healthy readings of all silos together before the first model is trained, 10 or more; default 200.</summary>
    public int MinimumTraining { get; set; } = 200;

    /// <summary>Cycles between retrainings of the model, 1 or more; default 300.</summary>
    public int RetrainEvery { get; set; } = 300;

    /// <summary>Quantile of the training scores that sets the alarm threshold, above 0.5 and below 1; default 0.999.</summary>
    public double ThresholdQuantile { get; set; } = 0.999;

    /// <summary>
    /// A metric this many robust standard deviations from the silo's baseline (relative to its peers, smoothed) is
    /// evidence by itself, whatever the anomaly model says; above 0, default 6.
    /// </summary>
    public double ExtremeDeviation { get; set; } = 6;

    /// <summary>
    /// The anomaly model's alarm counts only when at least one metric is this many robust standard deviations out
    /// (relative to the peers, smoothed): an unusual mix of ordinary readings is not a failure. 0 or more, at most
    /// <see cref="ExtremeDeviation"/>; default 1.5.
    /// </summary>
    public double MinimumAnomalyDeviation { get; set; } = 1.5;

    /// <summary>A silo whose memory reaches its limit within this time at its trend is Suspect; default 5 minutes.</summary>
    public TimeSpan ExhaustionHorizon { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>… and Failing within this time; at most <see cref="ExhaustionHorizon"/>; default 2 minutes.</summary>
    public TimeSpan FailingExhaustionHorizon { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// Options of fault injection (<see cref="IFaultInjectionGrain"/>). For tests, the demo and benchmarks: never enable
/// it in production.
/// </summary>
public sealed class FaultInjectionOptions
{
    /// <summary>Whether faults may be injected into this silo. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Whether the process kills itself (SIGKILL) when a fault makes the silo fail. Default false.</summary>
    public bool KillProcessOnFailure { get; set; }
}
