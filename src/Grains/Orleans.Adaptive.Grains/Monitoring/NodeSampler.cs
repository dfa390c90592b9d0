using Orleans.Adaptive.Capacity;
using Orleans.Adaptive.Faults;

namespace Orleans.Adaptive.Monitoring;

/// <summary>
/// Reads a silo's counters and turns each reading, against the previous one, into a <see cref="NodeSample"/>.
/// </summary>
/// <remarks>
/// A silo-wide singleton: it survives node-monitor reactivation, so rates stay continuous. Readings that throw are
/// recorded as missing, and the sample is still produced. While it lives it counts its silo among the process's
/// (<see cref="ProcessSilos"/>), so samples can say when process-wide readings are shared with other silos.
/// </remarks>
internal sealed class NodeSampler : IDisposable
{
    private readonly Lock _lock = new();
    private readonly INodeResourceProbe _resources;
    private readonly RequestStatistics _requests;
    private readonly OrleansMeterReader _orleans;
    private readonly SimulatedCapacityExecutor _executor;
    private readonly PartitionLoadRegistry _partitions;
    private readonly SiloFaultInjector _faults;
    private readonly TimeProvider _time;
    private readonly IDisposable _processRegistration;
    private NodeCounters _previous;
    private IReadOnlyList<PartitionLoad> _latestPartitionLoads = [];

    public NodeSampler(
        INodeResourceProbe resources,
        RequestStatistics requests,
        OrleansMeterReader orleans,
        SimulatedCapacityExecutor executor,
        PartitionLoadRegistry partitions,
        SiloFaultInjector faults,
        TimeProvider time)
    {
        _resources = resources;
        _requests = requests;
        _orleans = orleans;
        _executor = executor;
        _partitions = partitions;
        _faults = faults;
        _time = time;
        _processRegistration = ProcessSilos.Shared.Register();
        _previous = ReadCounters(previous: null);
    }

    public void Dispose() => _processRegistration.Dispose();

    public IReadOnlyList<PartitionLoad> LatestPartitionLoads
    {
        get
        {
            lock (_lock)
            {
                return _latestPartitionLoads;
            }
        }
    }

    public NodeSample TakeSample(string silo, long sequence)
    {
        lock (_lock)
        {
            var current = ReadCounters(_previous);
            var sample = NodeSampleCalculator.Calculate(silo, sequence, _previous, current, _time.TimestampFrequency);
            _latestPartitionLoads = NodeSampleCalculator.PartitionLoads(_previous, current, _time.TimestampFrequency);
            _previous = current;
            return sample;
        }
    }

    private NodeCounters ReadCounters(NodeCounters? previous)
    {
        // Injected faults add to what the process shows (a no-op without faults).
        var injectedGc = _faults.InjectedGc;
        return new NodeCounters
        {
            Timestamp = _time.GetTimestamp(),
            WallClock = _time.GetUtcNow(),
            Resources = _faults.Adjust(Try(_resources.Read, default)),
            GcCollections = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2) + injectedGc.Collections,
            GcPause = GC.GetTotalPauseDuration() + injectedGc.Pause,
            ThreadPoolQueueLength = ThreadPool.PendingWorkItemCount,
            ThreadPoolThreads = ThreadPool.ThreadCount,
            SilosInProcess = ProcessSilos.Shared.Count,
            Requests = _requests.Read(),
            Orleans = Try(_orleans.Read, new OrleansCounters(previous?.Orleans.MessagesSent ?? 0, previous?.Orleans.MessagesReceived ?? 0, null)),
            Executor = _executor.ReadCounters(),
            PartitionsTracked = _partitions.TrackedCount,
            Partitions = _partitions.ReadTotals(previous?.Partitions),
        };
    }

    private static T Try<T>(Func<T> read, T missing)
    {
        try
        {
            return read();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return missing;
        }
    }
}
