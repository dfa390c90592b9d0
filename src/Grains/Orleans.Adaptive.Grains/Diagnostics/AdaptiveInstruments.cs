using System.Diagnostics;
using System.Diagnostics.Metrics;
using Orleans.Adaptive.Monitoring;

namespace Orleans.Adaptive.Diagnostics;

/// <summary>
/// The silo's instruments on the <c>Orleans.Adaptive</c> meter: the newest node sample as gauges, and counters of
/// work items by outcome.
/// </summary>
/// <remarks>
/// Every measurement carries the tag <c>silo</c>, so silos that share a process (and a meter name) stay apart.
/// A metric whose reading is missing publishes nothing for that silo rather than a zero.
/// </remarks>
internal sealed class AdaptiveInstruments
{
    /// <summary>The meter's name; subscribe to it with <c>AddAdaptiveInstrumentation()</c> or <c>AddMeter</c>.</summary>
    public const string MeterName = "Orleans.Adaptive";

    private readonly Counter<long> _workItems;
    private readonly Histogram<double> _workItemDuration;
    private readonly KeyValuePair<string, object?> _siloTag;

    public AdaptiveInstruments(IMeterFactory meterFactory, ILocalSiloDetails silo, NodeSampleHistory history)
    {
        var meter = meterFactory.Create(MeterName);
        _siloTag = new KeyValuePair<string, object?>("silo", NodeMonitorKey.For(silo.SiloAddress));
        foreach (var metric in NodeMetricCatalog.All)
        {
            var read = metric.Read;
            meter.CreateObservableGauge(metric.Name, () => Observe(history.Latest, read), metric.Unit, metric.Description);
        }

        _workItems = meter.CreateCounter<long>("adaptive.partition.work_items", "{work_item}", "Work items submitted to partitions, by outcome (applied, duplicate, rejected, failed).");
        _workItemDuration = meter.CreateHistogram<double>("adaptive.partition.work_item.duration", "ms", "Time from a work item's arrival at its partition to its durable completion.");
    }

    public void WorkItemCompleted(string outcome, TimeSpan duration)
    {
        var tags = new TagList { _siloTag, { "outcome", outcome } };
        _workItems.Add(1, tags);
        _workItemDuration.Record(duration.TotalMilliseconds, tags);
    }

    private IEnumerable<Measurement<double>> Observe(NodeSample? sample, Func<NodeSample, double?> read)
    {
        if (sample is not null && read(sample) is { } value)
        {
            yield return new Measurement<double>(value, _siloTag);
        }
    }
}
