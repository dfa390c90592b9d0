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
/// Its sampling timer keeps it alive for the silo's lifetime. The counters it differences live in the silo-wide
/// <see cref="NodeSampler"/>, so rates stay right even if the grain is ever reactivated.
/// </remarks>
[SiloPinnedPlacement]
[Immovable]
internal sealed partial class NodeMonitorGrain : Grain, INodeMonitorGrain, IAdaptiveInfrastructureGrain
{
    private const int MaxSamplesPerQuery = 10_000;

    private readonly NodeSampler _sampler;
    private readonly LatestNodeSample _latest;
    private readonly SimulatedCapacityExecutor _executor;
    private readonly ILocalSiloDetails _silo;
    private readonly TimeProvider _time;
    private readonly ILogger<NodeMonitorGrain> _logger;
    private readonly NodeMonitorOptions _options;
    private readonly SampleRing _ring;
    private readonly string _siloKey;
    private DateTimeOffset _startedAt;
    private long _sequence;
    private int _consecutiveFailures;

    public NodeMonitorGrain(
        NodeSampler sampler,
        LatestNodeSample latest,
        SimulatedCapacityExecutor executor,
        ILocalSiloDetails silo,
        IOptions<AdaptiveRuntimeOptions> options,
        TimeProvider time,
        ILogger<NodeMonitorGrain> logger)
    {
        _sampler = sampler;
        _latest = latest;
        _executor = executor;
        _silo = silo;
        _time = time;
        _logger = logger;
        _options = options.Value.NodeMonitor;
        _ring = new SampleRing(_options.HistoryCapacity);
        _siloKey = NodeMonitorKey.For(silo.SiloAddress);
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
            _ring.Capacity,
            _executor.CapacityWorkUnitsPerSecond,
            _startedAt,
            _sequence));

    public Task<NodeSample?> GetLatest() => Task.FromResult(_ring.Latest);

    public Task<IReadOnlyList<NodeSample>> GetSamples(long afterSequence, int maxCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        IReadOnlyList<NodeSample> samples = _ring.After(afterSequence, Math.Min(maxCount, MaxSamplesPerQuery));
        return Task.FromResult(samples);
    }

    public Task<IReadOnlyList<PartitionLoad>> GetPartitionLoads() => Task.FromResult(_sampler.LatestPartitionLoads);

    private Task SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            var sample = _sampler.TakeSample(_siloKey, _sequence + 1);
            _sequence = sample.Sequence;
            _ring.Add(sample);
            _latest.Set(sample);
            _consecutiveFailures = 0;
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
}
