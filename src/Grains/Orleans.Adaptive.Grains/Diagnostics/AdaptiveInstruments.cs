using System.Diagnostics;
using System.Diagnostics.Metrics;
using Orleans.Adaptive.Monitoring;
using Orleans.Adaptive.Placement;

namespace Orleans.Adaptive.Diagnostics;

/// <summary>
/// The silo's instruments on the <c>Orleans.Adaptive</c> meter: the newest node sample as gauges, counters of work
/// items by outcome, the silo's predicted load, and, on the silo hosting the supervisor, the cluster's scale signal
/// and migrations.
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
    private readonly Counter<long> _migrations;
    private readonly KeyValuePair<string, object?> _siloTag;
    private readonly string _siloKey;
    private ClusterSignals? _clusterSignals;

    public AdaptiveInstruments(IMeterFactory meterFactory, ILocalSiloDetails silo, NodeSampleHistory history, ClusterViewHolder views)
    {
        _siloKey = NodeMonitorKey.For(silo.SiloAddress);
        var meter = meterFactory.Create(MeterName);
        _siloTag = new KeyValuePair<string, object?>("silo", NodeMonitorKey.For(silo.SiloAddress));
        foreach (var metric in NodeMetricCatalog.All)
        {
            var read = metric.Read;
            meter.CreateObservableGauge(metric.Name, () => Observe(history.Latest, read), metric.Unit, metric.Description);
        }

        _workItems = meter.CreateCounter<long>("adaptive.partition.work_items", "{work_item}", "Work items submitted to partitions, by outcome (applied, duplicate, rejected, failed).");
        _workItemDuration = meter.CreateHistogram<double>("adaptive.partition.work_item.duration", "ms", "Time from a work item's arrival at its partition to its durable completion.");
        meter.CreateObservableGauge("adaptive.silo.predicted_load", () => ObservePredictedLoad(views.View), "{work_unit}/s", "The silo's load predicted by the supervisor for the next interval.");
        meter.CreateObservableGauge("adaptive.cluster.desired_silos", () => ObserveCluster(static s => s.DesiredSilos), "{silo}", "Silos an autoscaler should run for the predicted load (published by the silo hosting the supervisor).");
        meter.CreateObservableGauge("adaptive.cluster.predicted_load", () => ObserveCluster(static s => s.PredictedLoad), "{work_unit}/s", "Total predicted load of the cluster for the next interval.");
        _migrations = meter.CreateCounter<long>("adaptive.supervisor.migrations", "{migration}", "Partition migrations by outcome (started, failed).");
    }

    /// <summary>Publishes the cluster-wide signals from this silo (it hosts the supervisor), or stops with null.</summary>
    public void PublishClusterSignals(ClusterSignals? signals) => Volatile.Write(ref _clusterSignals, signals);

    public void MigrationsStarted(int count) => _migrations.Add(count, _siloTag, new KeyValuePair<string, object?>("outcome", "started"));

    public void MigrationFailed() => _migrations.Add(1, _siloTag, new KeyValuePair<string, object?>("outcome", "failed"));

    public void WorkItemCompleted(string outcome, TimeSpan duration)
    {
        var tags = new TagList { _siloTag, { "outcome", outcome } };
        _workItems.Add(1, tags);
        _workItemDuration.Record(duration.TotalMilliseconds, tags);
    }

    private IEnumerable<Measurement<double>> ObservePredictedLoad(ClusterLoadView? view)
    {
        var own = view?.Silos.FirstOrDefault(s => string.Equals(s.Silo, _siloKey, StringComparison.Ordinal));
        if (own is not null)
        {
            yield return new Measurement<double>(own.PredictedLoad, _siloTag);
        }
    }

    private IEnumerable<Measurement<double>> ObserveCluster(Func<ClusterSignals, double?> read)
    {
        if (Volatile.Read(ref _clusterSignals) is { } signals && read(signals) is { } value)
        {
            yield return new Measurement<double>(value, _siloTag);
        }
    }

    private IEnumerable<Measurement<double>> Observe(NodeSample? sample, Func<NodeSample, double?> read)
    {
        if (sample is not null && read(sample) is { } value)
        {
            yield return new Measurement<double>(value, _siloTag);
        }
    }
}

/// <summary>The cluster-wide figures the supervisor publishes as metrics.</summary>
/// <param name="DesiredSilos">The advised silo count, if known.</param>
/// <param name="PredictedLoad">Total predicted load, work units per second.</param>
internal sealed record ClusterSignals(double? DesiredSilos, double PredictedLoad);
