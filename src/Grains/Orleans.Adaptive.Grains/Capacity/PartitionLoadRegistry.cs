using System.Collections.Concurrent;

namespace Orleans.Adaptive.Capacity;

/// <summary>
/// The silo's record of which partitions are active here and how much work each has completed.
/// </summary>
/// <remarks>
/// Counters are cumulative; the node sampler turns two readings into per-interval rates. A partition that is no
/// longer tracked stays in the counters only until a reading shows it did no work since the previous one.
/// </remarks>
internal sealed class PartitionLoadRegistry
{
    private readonly ConcurrentDictionary<GrainId, PartitionCounters> _partitions = new();

    /// <summary>Partitions currently tracked (activated and not yet deactivated).</summary>
    public int TrackedCount
    {
        get
        {
            var count = 0;
            foreach (var entry in _partitions)
            {
                if (entry.Value.TrackCount > 0)
                {
                    count++;
                }
            }

            return count;
        }
    }

    public IDisposable Track(GrainId partition)
    {
        var counters = _partitions.GetOrAdd(partition, static _ => new PartitionCounters());
        Interlocked.Increment(ref counters.TrackCount);
        return new Tracking(counters);
    }

    public void RecordCompleted(GrainId partition, double workUnits)
    {
        var counters = _partitions.GetOrAdd(partition, static _ => new PartitionCounters());
        lock (counters)
        {
            counters.Items++;
            counters.WorkUnits += workUnits;
        }
    }

    /// <summary>
    /// Returns each partition's cumulative counters and forgets untracked partitions whose counters did not move
    /// since <paramref name="previous"/>.
    /// </summary>
    public Dictionary<GrainId, PartitionTotals> ReadTotals(IReadOnlyDictionary<GrainId, PartitionTotals>? previous)
    {
        var totals = new Dictionary<GrainId, PartitionTotals>(_partitions.Count);
        foreach (var (id, counters) in _partitions)
        {
            PartitionTotals current;
            lock (counters)
            {
                current = new PartitionTotals(counters.Items, counters.WorkUnits, Volatile.Read(ref counters.TrackCount) > 0);
            }

            if (!current.IsActive
                && previous is not null
                && previous.TryGetValue(id, out var before)
                && before.Items == current.Items
                && before.WorkUnits == current.WorkUnits)
            {
                _partitions.TryRemove(new KeyValuePair<GrainId, PartitionCounters>(id, counters));
                continue;
            }

            totals[id] = current;
        }

        return totals;
    }

    private sealed class PartitionCounters
    {
        public int TrackCount;
        public long Items;
        public double WorkUnits;
    }

    private sealed class Tracking(PartitionCounters counters) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref counters.TrackCount);
            }
        }
    }
}

/// <summary>Cumulative work of one partition on this silo, and whether it is still active here.</summary>
internal readonly record struct PartitionTotals(long Items, double WorkUnits, bool IsActive = true);
