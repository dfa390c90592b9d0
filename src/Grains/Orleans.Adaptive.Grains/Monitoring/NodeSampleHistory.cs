namespace Orleans.Adaptive.Monitoring;

/// <summary>
/// The silo's node samples: a bounded ring, the sequence of the next sample, and the newest one for readers outside
/// the grain (telemetry gauges).
/// </summary>
/// <remarks>
/// A silo-wide singleton rather than grain state, so that the history and its sequence outlive any single
/// activation of the node-monitor grain.
/// </remarks>
internal sealed class NodeSampleHistory
{
    private readonly Lock _lock = new();
    private readonly SampleRing _ring;
    private NodeSample? _latest;

    public NodeSampleHistory(Microsoft.Extensions.Options.IOptions<AdaptiveRuntimeOptions> options)
    {
        _ring = new SampleRing(options.Value.NodeMonitor.HistoryCapacity);
    }

    public int Capacity => _ring.Capacity;

    public NodeSample? Latest => Volatile.Read(ref _latest);

    public long LatestSequence => Latest?.Sequence ?? 0;

    /// <summary>Takes the next sample with <paramref name="take"/> (given its sequence) and keeps it.</summary>
    public NodeSample Record(Func<long, NodeSample> take)
    {
        lock (_lock)
        {
            var sample = take(LatestSequence + 1);
            _ring.Add(sample);
            Volatile.Write(ref _latest, sample);
            return sample;
        }
    }

    public List<NodeSample> After(long afterSequence, int maxCount)
    {
        lock (_lock)
        {
            return _ring.After(afterSequence, maxCount);
        }
    }
}
