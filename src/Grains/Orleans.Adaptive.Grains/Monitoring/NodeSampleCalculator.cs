using Orleans.Adaptive.Capacity;

namespace Orleans.Adaptive.Monitoring;

/// <summary>
/// Turns two readings of a silo's counters into a <see cref="NodeSample"/>: rates and percentiles over the interval
/// between them, levels from the newer one. Pure, so it is tested without a silo.
/// </summary>
internal static class NodeSampleCalculator
{
    private const double BytesPerMb = 1024 * 1024;

    public static NodeSample Calculate(string silo, long sequence, NodeCounters previous, NodeCounters current, double timestampFrequency)
    {
        var seconds = (current.Timestamp - previous.Timestamp) / timestampFrequency;
        var requests = current.Requests.Latency.Subtract(previous.Requests.Latency);
        var errors = current.Requests.Errors - previous.Requests.Errors;
        var capacity = current.Executor.Capacity;
        var busy = current.Executor.BusySeconds - previous.Executor.BusySeconds;

        return new NodeSample
        {
            Silo = silo,
            Sequence = sequence,
            Timestamp = current.WallClock,
            IntervalSeconds = Math.Max(0, seconds),
            CpuPercent = MetricValue.Clean(current.Resources.CpuPercent),
            MemoryUsedMb = MetricValue.Clean(current.Resources.MemoryUsedBytes / BytesPerMb),
            MemoryAvailableMb = MetricValue.Clean(current.Resources.MemoryAvailableBytes / BytesPerMb),
            GcCollections = MetricValue.Clean(current.GcCollections - previous.GcCollections),
            GcPauseMs = MetricValue.Clean((current.GcPause - previous.GcPause).TotalMilliseconds),
            ThreadPoolQueueLength = MetricValue.Clean(current.ThreadPoolQueueLength),
            ThreadPoolThreads = MetricValue.Clean(current.ThreadPoolThreads),
            SilosInProcess = current.SilosInProcess,
            RequestsPerSecond = MetricValue.Rate(requests.Count, seconds),
            LatencyP50Ms = MetricValue.Clean(requests.PercentileMs(0.50)),
            LatencyP95Ms = MetricValue.Clean(requests.PercentileMs(0.95)),
            LatencyP99Ms = MetricValue.Clean(requests.PercentileMs(0.99)),
            ErrorRate = requests.Count > 0 ? MetricValue.Clean(Math.Min(1, (double)errors / requests.Count)) : null,
            ActivationCount = MetricValue.Clean(current.Orleans.Activations),
            MessagesSentPerSecond = MetricValue.Rate(current.Orleans.MessagesSent - previous.Orleans.MessagesSent, seconds),
            MessagesReceivedPerSecond = MetricValue.Rate(current.Orleans.MessagesReceived - previous.Orleans.MessagesReceived, seconds),
            PartitionCount = current.PartitionsTracked,
            WorkUnitsPerSecond = MetricValue.Rate(WorkDone(previous, current), seconds),
            CapacityWorkUnitsPerSecond = MetricValue.Clean(capacity),
            Utilization = capacity is null || seconds <= 0 ? null : MetricValue.Clean(Math.Min(1, busy / seconds)),
            QueueLength = current.Executor.InSystem,
            RejectedItems = MetricValue.Clean(current.Executor.Rejected - previous.Executor.Rejected),
        };
    }

    /// <summary>Per-partition rates over the interval, busiest first.</summary>
    public static List<PartitionLoad> PartitionLoads(NodeCounters previous, NodeCounters current, double timestampFrequency)
    {
        var seconds = (current.Timestamp - previous.Timestamp) / timestampFrequency;
        var loads = new List<PartitionLoad>(current.Partitions.Count);
        if (seconds <= 0)
        {
            return loads;
        }

        foreach (var (id, totals) in current.Partitions)
        {
            previous.Partitions.TryGetValue(id, out var before);
            var items = Math.Max(0, totals.Items - before.Items);
            var units = Math.Max(0, totals.WorkUnits - before.WorkUnits);
            loads.Add(new PartitionLoad(id.ToString(), items / seconds, units / seconds, totals.IsActive));
        }

        loads.Sort(static (a, b) => b.WorkUnitsPerSecond.CompareTo(a.WorkUnitsPerSecond));
        return loads;
    }

    /// <summary>Work units completed between the two readings, summed over partitions.</summary>
    /// <remarks>
    /// A partition absent from the older reading started from zero after it (the registry forgets a partition only
    /// once it stops moving), so its whole total counts.
    /// </remarks>
    private static double WorkDone(NodeCounters previous, NodeCounters current)
    {
        double total = 0;
        foreach (var (id, totals) in current.Partitions)
        {
            previous.Partitions.TryGetValue(id, out var before);
            total += Math.Max(0, totals.WorkUnits - before.WorkUnits);
        }

        return total;
    }
}
