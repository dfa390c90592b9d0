using Microsoft.Extensions.Options;

namespace Orleans.Adaptive.Capacity;

/// <summary>
/// A single virtual server with a capacity in work units per second and a bounded queue (first come, first served).
/// </summary>
/// <remarks>
/// <para>
/// Nothing spins: the server is a virtual clock. Admitting work of cost <c>c</c> at time <c>t</c> books the interval
/// <c>[max(t, busyUntil), +c/capacity)</c> and the caller waits until its end. Queueing delay and utilization are
/// therefore exact for the simulated server whatever the machine's real load, and silos that share one machine
/// behave as if they had their own hardware. Timer resolution (about 1 ms) adds to the latency callers see, not to
/// the booked schedule.
/// </para>
/// <para>
/// Work that is cancelled while it waits keeps its booking: the capacity is spent even though the result is not
/// used, as on a real server.
/// </para>
/// </remarks>
internal sealed class SimulatedCapacityExecutor : ISiloWorkExecutor
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly PartitionLoadRegistry _registry;
    private readonly int _maxQueueLength;
    private double? _capacity;
    private long _busyUntil;
    private double _bookedSeconds;
    private int _inSystem;
    private long _rejected;

    public SimulatedCapacityExecutor(IOptions<AdaptiveRuntimeOptions> options, PartitionLoadRegistry registry, TimeProvider time)
    {
        var capacity = options.Value.Capacity;
        _capacity = capacity.WorkUnitsPerSecond;
        _maxQueueLength = capacity.MaxQueueLength;
        _registry = registry;
        _time = time;
        _busyUntil = time.GetTimestamp();
    }

    public double? CapacityWorkUnitsPerSecond
    {
        get
        {
            lock (_lock)
            {
                return _capacity;
            }
        }
    }

    /// <summary>
    /// Changes the capacity from now on (fault injection degrades a silo this way). Work already booked keeps its
    /// schedule.
    /// </summary>
    public void SetCapacity(double? workUnitsPerSecond)
    {
        if (workUnitsPerSecond is { } value && (!double.IsFinite(value) || value <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(workUnitsPerSecond), value, "Capacity must be a finite number greater than zero, or null for no limit.");
        }

        lock (_lock)
        {
            _capacity = workUnitsPerSecond;
        }
    }

    public IDisposable TrackPartition(GrainId partition) => _registry.Track(partition);

    public async ValueTask<WorkExecution> ExecuteAsync(GrainId partition, double workUnits, CancellationToken cancellationToken = default)
    {
        if (!double.IsFinite(workUnits) || workUnits < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(workUnits), workUnits, "Work must be a finite number of work units, 0 or more.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        long now, start, finish;
        var booked = false;
        lock (_lock)
        {
            now = _time.GetTimestamp();
            if (_capacity is not { } capacity)
            {
                start = finish = now;
            }
            else
            {
                if (_inSystem >= _maxQueueLength)
                {
                    _rejected++;
                    throw new WorkRejectedException(
                        WorkRejectionReason.Overloaded,
                        $"The silo's work queue is full ({_inSystem} items waiting or in service, limit {_maxQueueLength}).");
                }

                var serviceSeconds = workUnits / capacity;
                start = Math.Max(now, _busyUntil);
                finish = start + (long)Math.Round(serviceSeconds * _time.TimestampFrequency);
                _busyUntil = finish;
                _bookedSeconds += serviceSeconds;
                _inSystem++;
                booked = true;
            }
        }

        try
        {
            if (finish > now)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)(finish - now) / _time.TimestampFrequency), _time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (booked)
            {
                lock (_lock)
                {
                    _inSystem--;
                }
            }
        }

        _registry.RecordCompleted(partition, workUnits);
        var frequency = (double)_time.TimestampFrequency;
        return new WorkExecution(
            TimeSpan.FromSeconds((start - now) / frequency),
            TimeSpan.FromSeconds((finish - start) / frequency));
    }

    /// <summary>Reads the executor's cumulative counters.</summary>
    public ExecutorCounters ReadCounters()
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            // Booked work runs back to back until _busyUntil, so whatever lies beyond now has not been served yet.
            var backlogSeconds = Math.Max(0, _busyUntil - now) / (double)_time.TimestampFrequency;
            return new ExecutorCounters(
                Capacity: _capacity,
                BusySeconds: _bookedSeconds - backlogSeconds,
                InSystem: _inSystem,
                Rejected: _rejected);
        }
    }
}

/// <summary>Cumulative counters of a <see cref="SimulatedCapacityExecutor"/>.</summary>
/// <param name="Capacity">Capacity at the time of reading, null when unlimited.</param>
/// <param name="BusySeconds">Seconds the virtual server has spent serving work so far.</param>
/// <param name="InSystem">Items admitted and not finished.</param>
/// <param name="Rejected">Items refused because the queue was full, so far.</param>
internal readonly record struct ExecutorCounters(double? Capacity, double BusySeconds, int InSystem, long Rejected);
