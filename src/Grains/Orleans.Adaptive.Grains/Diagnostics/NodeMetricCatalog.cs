namespace Orleans.Adaptive.Diagnostics;

/// <summary>
/// The node-sample metrics published on the <c>Orleans.Adaptive</c> meter: name, unit, description and where the
/// value comes from.
/// </summary>
internal static class NodeMetricCatalog
{
    public static readonly IReadOnlyList<NodeMetric> All =
    [
        new("adaptive.node.cpu.usage", "%", "Process CPU usage over the last sample interval, percent of all cores.", s => s.CpuPercent),
        new("adaptive.node.memory.used", "MiBy", "Memory used by the silo process (working set).", s => s.MemoryUsedMb),
        new("adaptive.node.memory.available", "MiBy", "Memory still available to the silo process.", s => s.MemoryAvailableMb),
        new("adaptive.node.gc.collections", "{collection}", "Garbage collections during the last sample interval.", s => s.GcCollections),
        new("adaptive.node.gc.pause", "ms", "Garbage-collection pause time during the last sample interval.", s => s.GcPauseMs),
        new("adaptive.node.threadpool.queue.length", "{work_item}", "Work items queued in the .NET thread pool.", s => s.ThreadPoolQueueLength),
        new("adaptive.node.requests.rate", "{request}/s", "Work items (or, with call statistics, application grain calls) completed per second.", s => s.RequestsPerSecond),
        new("adaptive.node.latency.p50", "ms", "Median latency of application grain calls.", s => s.LatencyP50Ms),
        new("adaptive.node.latency.p95", "ms", "95th-percentile latency of application grain calls.", s => s.LatencyP95Ms),
        new("adaptive.node.latency.p99", "ms", "99th-percentile latency of those requests.", s => s.LatencyP99Ms),
        new("adaptive.node.errors.ratio", "1", "Fraction of those requests that failed.", s => s.ErrorRate),
        new("adaptive.node.activations", "{activation}", "Grain activations on the silo.", s => s.ActivationCount),
        new("adaptive.node.messages.sent.rate", "{message}/s", "Messages sent per second.", s => s.MessagesSentPerSecond),
        new("adaptive.node.messages.received.rate", "{message}/s", "Messages received per second.", s => s.MessagesReceivedPerSecond),
        new("adaptive.node.partitions", "{partition}", "Work partitions active on the silo.", s => s.PartitionCount),
        new("adaptive.node.work.rate", "{work_unit}/s", "Work units completed per second.", s => s.WorkUnitsPerSecond),
        new("adaptive.node.capacity", "{work_unit}/s", "The silo's simulated capacity.", s => s.CapacityWorkUnitsPerSecond),
        new("adaptive.node.utilization", "1", "Fraction of the last interval the simulated capacity was busy.", s => s.Utilization),
        new("adaptive.node.queue.length", "{work_item}", "Work items waiting for or in service at the silo's capacity.", s => s.QueueLength),
    ];
}

/// <summary>One metric of <see cref="NodeMetricCatalog"/>.</summary>
internal sealed record NodeMetric(string Name, string Unit, string Description, Func<NodeSample, double?> Read);
