using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Orleans.Adaptive.Client;
using Orleans.Adaptive.Client.Workload;
using Orleans.Adaptive.Learning.Statistics;
using Orleans.Runtime;

namespace Orleans.Adaptive.Bench.Faults;

/// <summary>
/// One run of a scenario in one mode: starts the host, drives the workload, injects the faults, kills silos when
/// their fault makes them fail, and watches what the cluster does: where partitions live, what the supervisor
/// decides, what membership says, what the client sees.
/// </summary>
internal sealed class FaultRun(ScenarioPlan plan, bool adaptive, TraceReplay replay, Func<Task<IFaultHost>> startHost, TextWriter progress)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    /// <summary>After a failure, the incident window for latency lasts this much longer.</summary>
    private const double IncidentTailSeconds = 20;

    private readonly Stopwatch _clock = new();
    private readonly Dictionary<string, int> _siloIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _location = new(StringComparer.Ordinal);
    private readonly List<AdaptiveDecision> _decisions = [];
    private readonly List<FaultState> _faults = [];
    private readonly HashSet<int> _dead = [];
    private long _lastDecision;
    private double? _modelReadyAt;
    private int _maxQuarantined;
    private DateTimeOffset? _supervisorActivatedAt;
    private readonly List<string> _supervisorActivations = [];
    private string? _supervisorSilo;

    private string Mode => adaptive ? "adaptive" : "orleans";

    private double Now => _clock.Elapsed.TotalSeconds;

    /// <summary>The runtime's options for a silo of <paramref name="scenario"/>, in either mode.</summary>
    public static void ConfigureRuntime(AdaptiveRuntimeOptions runtime, FaultScenario scenario, bool adaptive)
    {
        runtime.NodeMonitor.SampleInterval = TimeSpan.FromSeconds(scenario.SampleIntervalSeconds);
        runtime.NodeMonitor.HistoryCapacity = 3600;
        runtime.Capacity.WorkUnitsPerSecond = scenario.Capacity;
        // About two seconds of queue: overload shows as refusals and retries rather than unbounded waits.
        runtime.Capacity.MaxQueueLength = Math.Max(10, (int)(scenario.Capacity * 2 / scenario.ItemCost));
        runtime.FaultInjection.Enabled = true;
        // Orleans mode: the runtime still observes (same overhead) but never acts; the cluster is plain Orleans.
        runtime.Adaptation.Enabled = adaptive;
    }

    public async Task<RunReport> RunAsync(CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        await using var host = await startHost();
        for (var i = 0; i < host.Silos.Count; i++)
        {
            _siloIndex[NodeMonitorKey.For(host.Silos[i])] = i;
        }

        await WaitForMonitorsAsync(host, cancellationToken);
        var client = new AdaptiveClusterClient(host.Client, Options.Create(new AdaptiveClientOptions()), TimeProvider.System);
        var scenario = plan.Scenario;
        var driver = new WorkloadDriver(client.CreateProducer($"faults-{Mode}-{plan.Seed}"), replay, new WorkloadDriverOptions
        {
            PartitionIds = Enumerable.Range(0, scenario.Partitions).Select(i => $"p{i:D4}").ToArray(),
            Skew = scenario.Skew,
            ItemCost = scenario.ItemCost,
            Seed = plan.Seed,
        });

        _clock.Start();
        _startedAtUtc = DateTimeOffset.UtcNow;
        await InjectAsync(host);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(TimeSpan.FromSeconds(scenario.DurationSeconds));
        var running = driver.RunAsync(DrainTimeout, stop.Token);

        HistogramSnapshot? atFirstFault = null;
        var firstFault = plan.Faults.Count > 0 ? plan.Faults.Min(f => f.StartSeconds) : double.NaN;
        var nextProgress = 0.0;
        while (!running.IsCompleted && Now < scenario.DurationSeconds)
        {
            if (atFirstFault is null && Now >= firstFault)
            {
                atFirstFault = driver.ReadStatistics().Latency;
            }

            await ObserveAsync(host, driver, cancellationToken);
            if (Now >= nextProgress)
            {
                nextProgress += 15;
                var statistics = driver.ReadStatistics();
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {Mode} seed {plan.Seed}: {Now,4:0} s of {scenario.DurationSeconds:0}, {statistics.Applied + statistics.Duplicates} items acknowledged, {_dead.Count} silo(s) down, {_maxQuarantined} max quarantined"));
            }

            await Task.Delay(Poll, cancellationToken);
        }

        await running;
        cancellationToken.ThrowIfCancellationRequested();
        var end = driver.ReadStatistics();
        await FetchDecisionsAsync(host);
        return await ReportAsync(host, end, atFirstFault, wall.Elapsed);
    }

    /// <summary>In-silo faults and blips are handed to their silos now, with their delays; the silos keep time.</summary>
    private async Task InjectAsync(IFaultHost host)
    {
        foreach (var fault in plan.Faults)
        {
            var state = new FaultState(fault) { Silo = fault.Silo };
            _faults.Add(state);
            if (fault.Kind is FaultKind.Crash or FaultKind.Freeze || InjectedAtStart(fault))
            {
                continue;
            }

            var spec = fault.Definition.ToSpec(fault.Kind, fault.RampSeconds, memoryLimitMb: 0, fault.Seed) with { StartAfter = TimeSpan.FromSeconds(fault.StartSeconds) };
            state.Injected = await host.Client.GetFaultInjection(host.Silos[fault.Silo]).Inject(spec);
        }

        foreach (var blip in plan.Blips)
        {
            await host.Client.GetFaultInjection(host.Silos[blip.Silo]).Inject(blip.Spec with { StartAfter = TimeSpan.FromSeconds(blip.AtSeconds) });
        }
    }

    private async Task ObserveAsync(IFaultHost host, WorkloadDriver driver, CancellationToken cancellationToken)
    {
        // The incident window of each fault, for its latency: from its start to 20 s after its failure.
        foreach (var state in _faults)
        {
            if (state.LatencyAtStart is null && Now >= state.Fault.StartSeconds)
            {
                state.LatencyAtStart = driver.ReadStatistics().Latency;
            }

            if (state.LatencyAtEnd is null && state.FailedAt is { } failed && Now >= failed + IncidentTailSeconds)
            {
                state.LatencyAtEnd = driver.ReadStatistics().Latency;
            }
        }

        // Outside faults start on time; in-silo faults tell when they made their silo fail.
        foreach (var state in _faults)
        {
            var silo = state.Silo;
            if (state.FailedAt is not null || _dead.Contains(silo))
            {
                continue;
            }

            var fault = state.Fault;
            if (fault.Kind is FaultKind.Crash or FaultKind.Freeze)
            {
                if (Now >= fault.StartSeconds)
                {
                    state.Silo = silo = silo == PlannedFault.Busiest ? Busiest(host, sparingSupervisor: fault.Kind != FaultKind.Crash) : silo;
                    await FailAsync(host, silo, state, Now);
                }

                continue;
            }

            if (state.Injected is null && InjectedAtStart(fault))
            {
                if (Now >= fault.StartSeconds)
                {
                    state.Silo = silo == PlannedFault.Busiest ? Busiest(host, sparingSupervisor: true) : silo;
                    await InjectNowAsync(host, state);
                }

                continue;
            }

            if (!fault.Fails)
            {
                continue;
            }

            if (fault.Kind == FaultKind.Partition && state.Injected is { } cut)
            {
                // A partitioned silo cannot be asked: it fails, for the rest of the cluster, when the partition starts.
                var startsAt = state.InjectedAtSeconds is { } injectedAt ? injectedAt + cut.Spec.StartAfter.TotalSeconds : fault.StartSeconds;
                if (Now >= startsAt)
                {
                    await FailAsync(host, silo, state, startsAt);
                }

                continue;
            }

            try
            {
                var status = await host.Client.GetFaultInjection(host.Silos[silo]).GetStatus().WaitAsync(CallTimeout, cancellationToken);
                if (status.FailedAt is { } failedAt && state.Injected is { } injected)
                {
                    // The silo's clock measured the failure; place it on ours through the injection time.
                    var seconds = (state.InjectedAtSeconds ?? fault.StartSeconds) + (failedAt - injected.StartsAt).TotalSeconds;
                    await FailAsync(host, silo, state, Math.Min(seconds, Now));
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A degraded silo may answer slowly; ask again at the next poll.
            }
        }

        await UpdateLocationsAsync(host, cancellationToken);
        await FetchDecisionsAsync(host);
        await CheckRecoveryAsync();
        await CheckMembershipAsync(host);
    }

    /// <summary>
    /// Faults injected when they start rather than at the beginning: a memory leak (its limit is set from what the
    /// silo uses then, so it degrades for the ramp's length), and any fault aimed at the busiest silo of the moment.
    /// </summary>
    private static bool InjectedAtStart(PlannedFault fault) => fault.Kind == FaultKind.MemoryLeak || fault.Silo == PlannedFault.Busiest;

    private async Task InjectNowAsync(IFaultHost host, FaultState state)
    {
        var fault = state.Fault;
        var address = host.Silos[state.Silo];
        var limit = 0.0;
        if (fault.Kind == FaultKind.MemoryLeak)
        {
            var sample = await host.Client.GetNodeMonitor(address).GetLatest().WaitAsync(CallTimeout);
            limit = (sample?.MemoryUsedMb ?? 0) + fault.Definition.MemoryMbPerSecond * fault.RampSeconds;
        }

        // A partition starts a second later, or it would cut off the answer to this very call.
        var spec = fault.Definition.ToSpec(fault.Kind, fault.RampSeconds, limit, fault.Seed) with { StartAfter = fault.Kind == FaultKind.Partition ? TimeSpan.FromSeconds(1) : TimeSpan.Zero };
        state.InjectedAtSeconds = Now;
        state.Injected = await host.Client.GetFaultInjection(address).Inject(spec).WaitAsync(CallTimeout);
    }

    /// <summary>The silo fails now: remember what was on it, then kill, freeze or cut it off.</summary>
    private async Task FailAsync(IFaultHost host, int silo, FaultState state, double at)
    {
        state.FailedAt = at;
        var key = NodeMonitorKey.For(host.Silos[silo]);
        state.Orphans = _location.Where(l => l.Value == key).Select(l => l.Key).ToHashSet(StringComparer.Ordinal);
        state.Recovered = new Dictionary<string, double>(StringComparer.Ordinal);
        state.FailedSiloKey = key;
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {Mode} seed {plan.Seed}: silo {silo} fails ({state.Fault.KindName}) at {at:0.0} s with {state.Orphans.Count} partitions on it"));
        switch (state.Fault.Kind)
        {
            case FaultKind.Freeze:
                await host.FreezeAsync(silo);
                break;
            case FaultKind.Partition:
                break; // the silo cut itself off; it lives on, unreachable
            default:
                _dead.Add(silo);
                await host.KillAsync(silo);
                break;
        }
    }

    /// <summary>
    /// The live silo hosting the most partitions now; for a freeze or partition, not the supervisor's own silo (a
    /// frozen supervisor cannot act: that case is left to Orleans' membership, and measured as such elsewhere).
    /// </summary>
    private int Busiest(IFaultHost host, bool sparingSupervisor)
    {
        var counts = _location.Values.GroupBy(key => key).ToDictionary(g => g.Key, g => g.Count());
        return Enumerable.Range(0, host.Silos.Count)
            .Where(i => !_dead.Contains(i) && !(sparingSupervisor && NodeMonitorKey.For(host.Silos[i]) == _supervisorSilo))
            .OrderByDescending(i => counts.GetValueOrDefault(NodeMonitorKey.For(host.Silos[i])))
            .First();
    }

    /// <summary>Where each partition lives, from the live silos' node monitors (a partition is on one silo at a time).</summary>
    private async Task UpdateLocationsAsync(IFaultHost host, CancellationToken cancellationToken)
    {
        var calls = host.Silos
            .Select((address, index) => (address, index))
            .Where(s => !_dead.Contains(s.index) && !_faults.Any(f => f.Silo == s.index && f.FailedAt is not null))
            .Select(async s =>
            {
                try
                {
                    return (s.address, Loads: await host.Client.GetNodeMonitor(s.address).GetPartitionLoads().WaitAsync(CallTimeout, cancellationToken));
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    return (s.address, Loads: (IReadOnlyList<PartitionLoad>?)null);
                }
            });
        foreach (var (address, loads) in await Task.WhenAll(calls))
        {
            var key = NodeMonitorKey.For(address);
            foreach (var load in loads ?? [])
            {
                if (load.IsActive)
                {
                    _location[load.GrainId] = key;
                }
            }
        }
    }

    private async Task FetchDecisionsAsync(IFaultHost host)
    {
        try
        {
            var supervisor = host.Client.GetSupervisor();
            while (true)
            {
                var batch = await supervisor.GetDecisions(_lastDecision, 1000).WaitAsync(CallTimeout);
                if (batch.Count == 0)
                {
                    break;
                }

                _decisions.AddRange(batch);
                _lastDecision = batch[^1].Id;
            }

            var status = await supervisor.GetStatus().WaitAsync(CallTimeout);
            _supervisorSilo = status.Silo;
            if (status.ActivatedAt != _supervisorActivatedAt)
            {
                _supervisorActivatedAt = status.ActivatedAt;
                var index = Enumerable.Range(0, host.Silos.Count).FirstOrDefault(i => NodeMonitorKey.For(host.Silos[i]) == status.Silo, -1);
                _supervisorActivations.Add($"{Now:0.0}: silo {index} ({status.Silo})");
            }

            _maxQuarantined = Math.Max(_maxQuarantined, status.Quarantined.Count);
            if (_modelReadyAt is null && status.HealthModelTrainings > 0)
            {
                _modelReadyAt = Now;
            }
        }
        catch (Exception)
        {
            // The supervisor may be moving (its silo died): ask again at the next poll.
        }
    }

    private Task CheckRecoveryAsync()
    {
        foreach (var state in _faults.Where(s => s.FailedAt is not null && s.Orphans is not null))
        {
            foreach (var partition in state.Orphans!)
            {
                if (!state.Recovered!.ContainsKey(partition) && _location.TryGetValue(partition, out var silo) && silo != state.FailedSiloKey)
                {
                    state.Recovered[partition] = Now;
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>When membership declares a failed silo dead (Orleans' own detection, or the supervisor's eviction).</summary>
    private async Task CheckMembershipAsync(IFaultHost host)
    {
        var pending = _faults.Where(s => s.FailedAt is not null && s.DeclaredDeadAt is null).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        try
        {
            var hosts = await host.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false).WaitAsync(CallTimeout);
            foreach (var state in pending)
            {
                var address = host.Silos[state.Silo];
                if (!hosts.TryGetValue(address, out var status) || status == SiloStatus.Dead)
                {
                    state.DeclaredDeadAt = Now;
                }
            }
        }
        catch (Exception)
        {
            // Ask again at the next poll.
        }
    }

    private async Task WaitForMonitorsAsync(IFaultHost host, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        foreach (var silo in host.Silos)
        {
            while (await host.Client.GetNodeMonitor(silo).GetLatest() is null)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"The node monitor of silo {silo} took no sample within 60 s.");
                }

                await Task.Delay(200, cancellationToken);
            }
        }
    }

    private async Task<RunReport> ReportAsync(IFaultHost host, WorkloadStatistics end, HistogramSnapshot? atFirstFault, TimeSpan wall)
    {
        // Durable counts, read back from every partition (this activates any that are down).
        long applied = 0;
        foreach (var partition in Enumerable.Range(0, plan.Scenario.Partitions).Select(i => $"p{i:D4}"))
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    applied += (await host.Client.GetGrain<IWorkPartitionGrain>(partition).GetStatus().WaitAsync(TimeSpan.FromSeconds(10))).ItemsApplied;
                    break;
                }
                catch (Exception) when (attempt < 10)
                {
                    await Task.Delay(1000);
                }
            }
        }

        var acknowledged = end.Applied + end.Duplicates;
        var window = atFirstFault is null ? end.Latency : end.Latency.Subtract(atFirstFault);
        var faults = _faults.OrderBy(s => s.Fault.StartSeconds).Select(s => Report(host, s, end)).ToList();
        var (falseAlarms, falseSuspects, falseAlarmReasons) = FalseAlarms(host);
        return new RunReport
        {
            Mode = Mode,
            Seed = plan.Seed,
            Faults = faults,
            FalseAlarms = falseAlarms,
            FalseSuspects = falseSuspects,
            FalseAlarmReasons = falseAlarmReasons,
            HealthySiloHours = JsonOutput.Round(HealthySiloHours(), 4),
            Lost = Math.Max(0, acknowledged - applied),
            Duplicated = Math.Max(0, applied - end.Submitted),
            FailedAtClient = end.NotAcknowledged,
            Shed = end.Shed,
            Submitted = end.Submitted,
            Acknowledged = acknowledged,
            P99Ms = JsonOutput.Round(window.PercentileMs(0.99) ?? double.NaN, 2),
            P50Ms = JsonOutput.Round(window.PercentileMs(0.5) ?? double.NaN, 2),
            Quarantines = _decisions.Count(d => d.Kind == DecisionKind.SiloStateChanged && d.Reason.Contains(" is quarantined", StringComparison.Ordinal)),
            Evictions = _decisions.Count(d => d.Kind == DecisionKind.Eviction),
            Migrations = _decisions.Count(d => d.Kind == DecisionKind.Migration),
            MaxQuarantinedAtOnce = _maxQuarantined,
            SupervisorActivations = _supervisorActivations,
            WallSeconds = Math.Round(wall.TotalSeconds, 1),
        };
    }

    private FaultReport Report(IFaultHost host, FaultState state, WorkloadStatistics end)
    {
        var fault = state.Fault;
        var silo = state.Silo >= 0 ? state.Silo : 0;
        var key = NodeMonitorKey.For(host.Silos[silo]);
        double? detectedAt = adaptive ? FirstFailingAt(key, fault.StartSeconds) : state.DeclaredDeadAt;
        var quarantinedAt = SecondsOf(_decisions.FirstOrDefault(d => d.Kind == DecisionKind.SiloStateChanged && d.Subject == key && d.Reason.Contains(" is quarantined", StringComparison.Ordinal)));
        var evictedAt = SecondsOf(_decisions.FirstOrDefault(d => d.Kind == DecisionKind.Eviction && d.Subject == key));
        double? recovery = null;
        var notRecovered = 0;
        if (state.FailedAt is { } failed && state.Orphans is { } orphans)
        {
            notRecovered = orphans.Count(p => !state.Recovered!.ContainsKey(p));
            recovery = orphans.Count == 0 ? 0 : notRecovered > 0 ? null : state.Recovered!.Values.Max() - failed;
        }

        var p99 = double.NaN;
        if (state.LatencyAtStart is { } atStart)
        {
            p99 = (state.LatencyAtEnd ?? end.Latency).Subtract(atStart).PercentileMs(0.99) ?? double.NaN;
        }

        return new FaultReport
        {
            Kind = fault.KindName,
            Silo = state.Silo,
            StartSeconds = Math.Round(fault.StartSeconds, 2),
            RampSeconds = Math.Round(fault.RampSeconds, 2),
            FailedAtSeconds = state.FailedAt is { } f ? Math.Round(f, 2) : null,
            DegradationSeconds = state.FailedAt is { } g && fault.Kind is not (FaultKind.Crash or FaultKind.Freeze or FaultKind.Partition) ? Math.Round(g - fault.StartSeconds, 2) : null,
            Detected = detectedAt is not null,
            DetectedAtSeconds = detectedAt is { } d ? Math.Round(d, 2) : null,
            LeadTimeSeconds = detectedAt is { } at && state.FailedAt is { } failedAt ? Math.Round(failedAt - at, 2) : null,
            RecoverySeconds = recovery is { } r ? Math.Round(Math.Max(0, r), 2) : null,
            PartitionsAtFailure = state.Orphans?.Count ?? 0,
            NotRecovered = notRecovered,
            QuarantinedAtSeconds = quarantinedAt,
            EvictedAtSeconds = evictedAt,
            P99Ms = JsonOutput.Round(p99, 2),
            Verdicts = adaptive ? VerdictsOn(key, fault.StartSeconds) : [],
        };
    }

    /// <summary>The supervisor's verdict changes on <paramref name="silo"/> at or after <paramref name="from"/>.</summary>
    private List<string> VerdictsOn(string silo, double from)
        => HealthChangesOn(silo, from)
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.At:0.0} s: {c.Decision.Reason}"))
            .ToList();

    /// <summary>The first time the supervisor marked the silo Failing at or after <paramref name="from"/>.</summary>
    private double? FirstFailingAt(string silo, double from)
        => HealthChangesOn(silo, from).Where(c => IsFailing(c.Decision)).Select(c => c.At).FirstOrDefault();

    /// <summary>Verdict changes on <paramref name="silo"/> from a second before <paramref name="from"/> on, with their time in the run.</summary>
    private IEnumerable<(double? At, AdaptiveDecision Decision)> HealthChangesOn(string silo, double from)
        => _decisions
            .Where(d => d.Kind == DecisionKind.HealthChanged && d.Subject == silo)
            .Select(d => (At: SecondsOf(d), Decision: d))
            .Where(c => c.At >= from - 1);

    /// <summary>Failing and Suspect verdicts on silos that had no fault at the time (blips are noise, not faults).</summary>
    private (int Failing, int Suspect, List<string> Reasons) FalseAlarms(IFaultHost host)
    {
        var reasons = new List<string>();
        if (!adaptive)
        {
            return (0, 0, reasons);
        }

        int failing = 0, suspect = 0;
        foreach (var decision in _decisions.Where(d => d.Kind == DecisionKind.HealthChanged))
        {
            if (!_siloIndex.TryGetValue(decision.Subject, out var silo) || SecondsOf(decision) is not { } at)
            {
                continue;
            }

            if (_faults.Any(f => f.Silo == silo && at >= f.Fault.StartSeconds - 1))
            {
                continue; // a real fault
            }

            if (IsFailing(decision))
            {
                failing++;
                reasons.Add($"{at:0.0} s silo {silo}: {decision.Reason}");
            }

            suspect += decision.Inputs.TryGetValue("state", out var s) && (int)s == (int)SiloHealthState.Suspect ? 1 : 0;
        }

        return (failing, suspect, reasons);
    }

    /// <summary>Hours of silos without a fault (until their fault starts) watched by a trained model.</summary>
    private double HealthySiloHours()
    {
        if (!adaptive || _modelReadyAt is not { } ready)
        {
            return 0;
        }

        var end = Now;
        var seconds = 0.0;
        for (var silo = 0; silo < plan.Scenario.Silos; silo++)
        {
            var until = _faults.Where(f => f.Silo == silo).Select(f => f.Fault.StartSeconds).Append(end).Min();
            seconds += Math.Max(0, until - ready);
        }

        return seconds / 3600;
    }

    private static bool IsFailing(AdaptiveDecision decision)
        => decision.Inputs.TryGetValue("state", out var state) && (int)state == (int)SiloHealthState.Failing;

    private double? SecondsOf(AdaptiveDecision? decision)
        => decision is null ? null : Math.Round((decision.At - _startedAtUtc).TotalSeconds, 2);

    private DateTimeOffset _startedAtUtc;

    private sealed class FaultState(PlannedFault fault)
    {
        public PlannedFault Fault { get; } = fault;

        /// <summary>The silo it hits (resolved at its start for "the busiest").</summary>
        public int Silo { get; set; }

        public InjectedFault? Injected { get; set; }

        /// <summary>When a fault injected at its start (a leak) was injected, on the run's clock.</summary>
        public double? InjectedAtSeconds { get; set; }

        public double? FailedAt { get; set; }

        public double? DeclaredDeadAt { get; set; }

        public HashSet<string>? Orphans { get; set; }

        public Dictionary<string, double>? Recovered { get; set; }

        public HistogramSnapshot? LatencyAtStart { get; set; }

        public HistogramSnapshot? LatencyAtEnd { get; set; }

        public string? FailedSiloKey { get; set; }
    }
}
