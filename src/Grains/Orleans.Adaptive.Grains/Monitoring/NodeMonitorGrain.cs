using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Adaptive.Capacity;
using Orleans.Adaptive.Diagnostics;
using Orleans.Adaptive.Placement;
using Orleans.Placement;

namespace Orleans.Adaptive.Monitoring;

/// <summary>
/// The node monitor of one silo: a grain pinned to that silo that samples it every interval into a bounded ring.
/// </summary>
/// <remarks>
/// Its sampling timer keeps it alive for the silo's lifetime. The counters it differences (<see cref="NodeSampler"/>)
/// and the history it keeps (<see cref="NodeSampleHistory"/>) are silo-wide singletons, so rates, history and
/// sequence numbers carry on unbroken if the grain is ever reactivated.
/// </remarks>
[SiloPinnedPlacement]
[Immovable]
internal sealed partial class NodeMonitorGrain : Grain, INodeMonitorGrain, IAdaptiveInfrastructureGrain
{
    private const int MaxSamplesPerQuery = 10_000;

    private readonly NodeSampler _sampler;
    private readonly NodeSampleHistory _history;
    private readonly SimulatedCapacityExecutor _executor;
    private readonly ILocalSiloDetails _silo;
    private readonly TimeProvider _time;
    private readonly ILogger<NodeMonitorGrain> _logger;
    private readonly NodeMonitorOptions _options;
    private readonly string _siloKey;
    private readonly ClusterViewHolder _views;
    private readonly TimeSpan _reportTimeout;
    private DateTimeOffset _startedAt;
    private int _consecutiveFailures;
    private int _consecutiveReportFailures;
    private Task _reporting = Task.CompletedTask;

    public NodeMonitorGrain(
        NodeSampler sampler,
        NodeSampleHistory history,
        SimulatedCapacityExecutor executor,
        ClusterViewHolder views,
        ILocalSiloDetails silo,
        IOptions<AdaptiveRuntimeOptions> options,
        TimeProvider time,
        ILogger<NodeMonitorGrain> logger)
    {
        _sampler = sampler;
        _history = history;
        _executor = executor;
        _views = views;
        _silo = silo;
        _time = time;
        _logger = logger;
        _options = options.Value.NodeMonitor;
        _siloKey = NodeMonitorKey.For(silo.SiloAddress);
        // A report must not outlive the next one's slot, but a slow network deserves a few seconds.
        _reportTimeout = TimeSpan.FromTicks(Math.Max(_options.SampleInterval.Ticks, TimeSpan.FromSeconds(5).Ticks));
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Placement guarantees this; checking it keeps a misconfigured custom placement from reporting wrong data.
        var key = this.GetPrimaryKeyString();
        if (!string.Equals(key, _siloKey, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The node monitor for silo {key} was activated on silo {_siloKey}.");
        }

        _startedAt = _time.GetUtcNow();
        this.RegisterGrainTimer(SampleAsync, new GrainTimerCreationOptions(_options.SampleInterval, _options.SampleInterval) { KeepAlive = true });
        Log.NodeMonitorStarted(_logger, _siloKey, _options.SampleInterval);
        return Task.CompletedTask;
    }

    public Task Start() => Task.CompletedTask;

    public Task<NodeMonitorInfo> GetInfo()
        => Task.FromResult(new NodeMonitorInfo(
            _siloKey,
            _silo.Name,
            _options.SampleInterval,
            _history.Capacity,
            _executor.CapacityWorkUnitsPerSecond,
            _startedAt,
            _history.LatestSequence));

    public Task<NodeSample?> GetLatest() => Task.FromResult(_history.Latest);

    public Task<IReadOnlyList<NodeSample>> GetSamples(long afterSequence, int maxCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        IReadOnlyList<NodeSample> samples = _history.After(afterSequence, Math.Min(maxCount, MaxSamplesPerQuery));
        return Task.FromResult(samples);
    }

    public Task<IReadOnlyList<PartitionLoad>> GetPartitionLoads() => Task.FromResult(_sampler.LatestPartitionLoads);

    private Task SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            var sample = _history.Record(sequence => _sampler.TakeSample(_siloKey, sequence));
            _consecutiveFailures = 0;
            ReportToSupervisor(sample);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // One bad reading must not stop the monitor; say so once, then every hundredth time.
            if (_consecutiveFailures++ % 100 == 0)
            {
                Log.SamplingFailed(_logger, exception, _siloKey, _consecutiveFailures);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Sends the sample and partition loads to the supervisor and keeps the view it returns. Not awaited by the
    /// sampling timer, so an unreachable supervisor never delays sampling; a report still under way when the next
    /// sample is taken makes that sample skip reporting.
    /// </summary>
    private void ReportToSupervisor(NodeSample sample)
    {
        if (!_reporting.IsCompleted)
        {
            return;
        }

        _reporting = ReportAsync(new NodeReport(sample, _sampler.LatestPartitionLoads));
    }

    private async Task ReportAsync(NodeReport report)
    {
        try
        {
            var view = await GrainFactory.GetSupervisor().Report(report, _views.Version).WaitAsync(_reportTimeout);
            if (view is not null)
            {
                _views.Update(view);
            }

            _consecutiveReportFailures = 0;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Failing reports are expected while the supervisor moves (its silo died); say so when it lasts.
            var failures = ++_consecutiveReportFailures;
            if (failures == 10 || failures % 100 == 0)
            {
                Log.ReportFailing(_logger, exception, _siloKey, failures);
            }
            else
            {
                Log.ReportFailed(_logger, exception, _siloKey, failures);
            }
        }
    }
}
