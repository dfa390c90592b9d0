using System.Globalization;
using Orleans.Adaptive.Client;

namespace Orleans.Adaptive.Silo.Demo;

/// <summary>
/// The demo's degrading node: one fault injected into one silo (by default its capacity falls to 10% over a minute),
/// and the silo stopped when the fault makes it fail, so the view shows detection, quarantine, draining and the
/// failure itself in one run.
/// </summary>
internal sealed class DemoFault(DemoSettings settings, DemoCluster cluster, DemoRecorder recorder, IClusterClient client)
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(3);
    private DemoSilo? _target;
    private InjectedFault? _injected;
    private bool _stopping;

    /// <summary>When the fault made its silo fail (the silo was then stopped), or null.</summary>
    public DateTimeOffset? FailedAt { get; private set; }

    /// <summary>The silo the fault hits, once injected.</summary>
    public DemoSilo? Target => _target;

    /// <summary>The fault, once injected.</summary>
    public InjectedFault? Injected => _injected;

    /// <summary>Injects the fault (it starts after <see cref="DemoSettings.FaultAt"/>); nothing when the demo runs without one.</summary>
    public async Task InjectAsync(CancellationToken cancellationToken)
    {
        if (settings.Fault is not { } kind)
        {
            return;
        }

        _target = cluster.Silos[settings.FaultSilo];
        if (!NodeMonitorKey.TryParse(_target.Address, out var address))
        {
            return;
        }

        var spec = new FaultSpec { Kind = kind, StartAfter = settings.FaultAt, Ramp = settings.FaultRamp, FailsAtEnd = true, Noise = 0.05 };
        spec = kind switch
        {
            FaultKind.CpuDegrade => spec with { Severity = 0.1 },
            FaultKind.LatencyCreep => spec with { Severity = 400 },
            FaultKind.GcStorm => spec with { Severity = 0.6 },
            FaultKind.ErrorBurst => spec with { Severity = 0.5, Duration = settings.FaultRamp, FailsAtEnd = false },
            FaultKind.Flap => spec with { Severity = 200, Ramp = TimeSpan.Zero, Duration = settings.FaultRamp, FailsAtEnd = false },
            FaultKind.MemoryLeak => spec with
            {
                // Reaches its limit when the ramp ends, from what the silo uses now.
                MemoryMbPerSecond = 20,
                MemoryLimitMb = ((await client.GetNodeMonitor(address).GetLatest().WaitAsync(QueryTimeout, cancellationToken))?.MemoryUsedMb ?? 0) + 20 * settings.FaultRamp.TotalSeconds,
            },
            _ => spec,
        };
        _injected = await client.GetFaultInjection(address).Inject(spec).WaitAsync(QueryTimeout, cancellationToken);
    }

    /// <summary>Stops the silo once its fault has made it fail (asked at every refresh of the view).</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (_target is null || _stopping || FailedAt is not null || !NodeMonitorKey.TryParse(_target.Address, out var address))
        {
            return;
        }

        try
        {
            var status = await client.GetFaultInjection(address).GetStatus().WaitAsync(QueryTimeout, cancellationToken);
            if (status.FailedAt is not { } failedAt)
            {
                return;
            }

            // The silo dies: its process would be gone; here its host is stopped and its partitions start elsewhere.
            _stopping = true;
            FailedAt = failedAt;
            recorder.Retire(_target);
            await cluster.StopSiloAsync(_target, cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or OrleansException or OperationCanceledException)
        {
            // A failing silo answers slowly; ask again at the next refresh.
        }
    }

    /// <summary>A line for the view: what is injected, how far it has got, and what the supervisor made of it.</summary>
    public string? Describe(DateTimeOffset now, IReadOnlyList<SiloHealthReport>? health)
    {
        if (_target is null || _injected is null)
        {
            return null;
        }

        var kind = _injected.Spec.Kind;
        var verdict = health?.FirstOrDefault(h => h.Silo == _target.Address);
        string progress;
        if (FailedAt is { } failed)
        {
            progress = $"failed at {Clock(failed - recorder.WorkloadStartedAt)} and was stopped";
        }
        else if (now < _injected.StartsAt)
        {
            progress = $"starts in {(_injected.StartsAt - now).TotalSeconds:0} s";
        }
        else
        {
            var ramp = _injected.Spec.Ramp.TotalSeconds;
            var elapsed = (now - _injected.StartsAt).TotalSeconds;
            progress = ramp > 0 && elapsed < ramp ? $"{elapsed / ramp:0%} of its {ramp:0} s ramp" : "at full strength";
        }

        var seen = verdict is null ? "" : $"; supervisor: {verdict.Health}{(verdict.Quarantined ? ", quarantined" : "")}";
        return string.Create(CultureInfo.InvariantCulture, $"{kind} on {_target.Name}: {progress}{seen}");
    }

    private static string Clock(TimeSpan? value) => value is { } v ? v.ToString(@"mm\:ss", CultureInfo.InvariantCulture) : "-";
}
