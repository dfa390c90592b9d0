using Orleans.Adaptive.Learning.Health;

namespace Orleans.Adaptive.Supervision;

/// <summary>
/// The health metrics the supervisor watches on every silo, and how a <see cref="NodeSample"/> becomes a reading of
/// them.
/// </summary>
/// <remarks>
/// Each metric says something about the silo itself rather than about how much work it was given: load moves with
/// placement and rebalancing, and a silo that is simply busy is not failing. So the request rate, utilization and
/// queue length are left out; cost per unit of work, latency, errors, GC pauses, thread-pool backlog, refusals and
/// memory are in. Latency still rises with load, which is why it is compared with the silo's peers.
/// </remarks>
internal static class HealthReadings
{
    /// <summary>Busy time per unit of work (or CPU per request without a simulated capacity): what a slower machine shows.</summary>
    public const string Cost = "cost";

    /// <summary>
    /// Median latency: what a silo that is slow at everything shows (a slow disk or dependency, a degraded network),
    /// clearly even when the tail is noisy. Queueing and pauses, which the tail shows first, barely move it.
    /// </summary>
    public const string LatencyMedian = "latency-p50";

    /// <summary>Tail latency: what queueing, pauses and a few slow calls show.</summary>
    public const string Latency = "latency-p99";

    public const string Errors = "errors";

    public const string GcPause = "gc-pause";

    public const string ThreadPool = "threadpool-queue";

    public const string Refusals = "refusals";

    public const string Memory = "memory";

    /// <summary>A silo must have done at least this fraction of its capacity for its cost per unit to be measured.</summary>
    private const double MinimumBusyFraction = 0.02;

    /// <summary>The metrics, in reading order.</summary>
    public static readonly HealthMetric[] Metrics =
    [
        new(Cost, AbsoluteFloor: 1e-9, RelativeFloor: 0.03, HoldWhenMissing: true),
        // Latency and backlogs on a log scale: their spread grows with their level.
        new(LatencyMedian, AbsoluteFloor: 0.1, RelativeFloor: 0),
        new(Latency, AbsoluteFloor: 0.1, RelativeFloor: 0),
        new(Errors, AbsoluteFloor: 0.01, RelativeFloor: 0),
        new(GcPause, AbsoluteFloor: 0.01, RelativeFloor: 0),
        new(ThreadPool, AbsoluteFloor: 0.5, RelativeFloor: 0),
        new(Refusals, AbsoluteFloor: 0.5, RelativeFloor: 0),
        new(Memory, AbsoluteFloor: 0.01, RelativeFloor: 0, Limit: 1.0),
    ];

    /// <summary>The reading of <paramref name="sample"/>: one value per metric, NaN where the sample has nothing.</summary>
    public static double[] From(NodeSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var seconds = sample.IntervalSeconds is > 0 and var s && double.IsFinite(s) ? s : double.NaN;
        return
        [
            CostOf(sample),
            sample.LatencyP50Ms is { } p50 ? Math.Log(1 + p50) : double.NaN,
            sample.LatencyP99Ms is { } p99 ? Math.Log(1 + p99) : double.NaN,
            sample.ErrorRate ?? double.NaN,
            sample.GcPauseMs is { } pause ? pause / (seconds * 1000) : double.NaN,
            ThreadPoolQueueOf(sample),
            sample.RejectedItems is { } rejected ? Math.Log(1 + rejected / seconds) : double.NaN,
            MemoryFraction(sample),
        ];
    }

    private static double CostOf(NodeSample sample)
    {
        if (sample.CapacityWorkUnitsPerSecond is { } capacity && sample.Utilization is { } busy && sample.WorkUnitsPerSecond is { } work)
        {
            return work >= MinimumBusyFraction * capacity && busy > 0 ? busy / work : double.NaN;
        }

        return OwnsItsProcess(sample) && sample.CpuPercent is { } cpu && sample.RequestsPerSecond is >= 1 and var requests
            ? cpu / requests
            : double.NaN;
    }

    /// <summary>
    /// The thread-pool backlog, when it is this silo's own. Silos sharing a process share its thread pool, and each
    /// samples the queue at its own instant: a burst caught by one silo's sample and missed by its peers' looks like
    /// that silo's alone (it raised a false alarm in bench/Faults' in-process degrading-mix), so there it is missing.
    /// </summary>
    private static double ThreadPoolQueueOf(NodeSample sample)
        => OwnsItsProcess(sample) && sample.ThreadPoolQueueLength is { } queue ? Math.Log(1 + queue) : double.NaN;

    /// <summary>
    /// Whether what the process shows (its CPU, its thread pool) is this silo's own: only when it hosts no other silo.
    /// </summary>
    private static bool OwnsItsProcess(NodeSample sample) => sample.SilosInProcess <= 1;

    private static double MemoryFraction(NodeSample sample)
        => sample.MemoryUsedMb is { } used && sample.MemoryAvailableMb is { } available && used + available > 0
            ? used / (used + available)
            : double.NaN;
}
