using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Adaptive.Diagnostics;
using Orleans.Adaptive.Learning.Health;
using Orleans.Adaptive.Learning.Placement;
using Orleans.Adaptive.Monitoring;
using Orleans.Adaptive.Placement;
using Orleans.Core.Internal;
using Orleans.Placement;
using Orleans.Runtime.Placement;
using Orleans.Storage;

namespace Orleans.Adaptive.Supervision;

/// <summary>
/// The cluster's supervisor (one activation, key <see cref="SupervisorKey.Value"/>): every cycle it scores the
/// silos' health (<see cref="HealthSupervisor"/>: quarantine, release, probe, evict), runs the
/// <see cref="LoadSupervisor"/> (forecasts, placement view, rebalancing and draining of quarantined silos), starts the
/// migrations it plans, re-activates the partitions of silos that left, records every decision, and persists what a
/// successor needs.
/// </summary>
/// <remarks>
/// <para>
/// Node monitors report to it after every sample, and those calls re-activate it on another silo if its own silo
/// dies; it then reloads its state (operator switch, draining silos, decision log, cool-downs, models) and carries
/// on. Its cycle timer keeps it alive meanwhile.
/// </para>
/// <para>
/// Migrations use Orleans live migration: a placement hint naming the target and <c>MigrateOnIdle</c> on the
/// partition. The partition's state travels with the activation, and calls that arrive meanwhile wait and are then
/// forwarded to the new activation, so none fails.
/// </para>
/// </remarks>
[PredictedLoadPlacement]
[Immovable]
internal sealed class SupervisorGrain : Grain, ISupervisorGrain, IAdaptiveInfrastructureGrain
{
    private const int MaxDecisionsPerQuery = 10_000;
    private const int MaxPersistedPartitionModels = 10_000;
    private static readonly TimeSpan ModelPersistInterval = TimeSpan.FromSeconds(30);
    private static readonly IReadOnlyDictionary<string, double> NoInputs = new Dictionary<string, double>();

    private readonly IPersistentState<SupervisorState> _state;
    private readonly AdaptiveRuntimeOptions _options;
    private readonly IClusterMembershipService _membership;
    private readonly AdaptiveInstruments _instruments;
    private readonly ClusterViewHolder _localView;
    private readonly string _siloKey;
    private readonly TimeProvider _time;
    private readonly ILogger<SupervisorGrain> _logger;
    private readonly PartitionReactivator _reactivator;
    private readonly HashSet<string> _unresponsive = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _probes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _refusalsRecorded = new(StringComparer.Ordinal);
    private readonly HashSet<string> _shutdownRequested = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _drainedReports = new(StringComparer.Ordinal);
    private readonly List<string> _toReactivate = [];
    private Task _reactivating = Task.CompletedTask;
    private int _maxQuarantined;
    private LoadSupervisor _brain = null!;
    private HealthSupervisor _health = null!;
    private DateTimeOffset _activatedAt;
    private DateTimeOffset _modelsSavedAt;
    private long _cycles;
    private TimeSpan _lastCycleDuration;
    private bool _dirty;

    public SupervisorGrain(
        [PersistentState("supervisor", AdaptiveStorage.ProviderName)] IPersistentState<SupervisorState> state,
        IOptions<AdaptiveRuntimeOptions> options,
        IClusterMembershipService membership,
        AdaptiveInstruments instruments,
        ClusterViewHolder localView,
        ILocalSiloDetails silo,
        TimeProvider time,
        ILogger<SupervisorGrain> logger)
    {
        _state = state;
        _options = options.Value;
        _membership = membership;
        _instruments = instruments;
        _localView = localView;
        _siloKey = NodeMonitorKey.For(silo.SiloAddress);
        _time = time;
        _logger = logger;
        _reactivator = new PartitionReactivator(GrainFactory);
    }

    private bool AdaptationEnabled => _options.Adaptation.Enabled && (_state.State.AdaptationEnabled ?? true);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = _modelsSavedAt = _time.GetUtcNow();
        _brain = new LoadSupervisor(_options);
        _brain.Restore(_state.State);
        var interval = _brain.CycleInterval;
        _health = new HealthSupervisor(_options.Health, interval);
        _health.RestoreBaselines(_state.State.HealthBaselines.Select(static b => b.ToBaseline()));
        foreach (var (silo, failures) in _state.State.HealthFailures)
        {
            _health.Restore(silo, HealthState.Healthy, failures);
        }

        foreach (var silo in _state.State.Quarantined.Keys)
        {
            // A quarantined silo stays out until it shows sustained calm to this activation too.
            _health.Restore(silo, HealthState.Failing, _state.State.HealthFailures.GetValueOrDefault(silo, 1));
        }

        this.RegisterGrainTimer(RunCycleAsync, new GrainTimerCreationOptions(interval, interval) { KeepAlive = true });
        Log.SupervisorActivated(_logger, _siloKey, AdaptationEnabled ? "on" : "off", _state.State.Decisions.Count, _state.State.LastMoved.Count, interval);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _instruments.PublishClusterSignals(null);
        await PersistAsync(includeModels: true);
    }

    public Task<ClusterLoadView?> Report(NodeReport report, long knownViewVersion)
    {
        _brain.Ingest(report, _time.GetUtcNow());
        _health.Ingest(report.Sample);
        var view = _brain.View;
        return Task.FromResult(view is not null && view.Version > knownViewVersion ? view : null);
    }

    public Task<ClusterLoadView?> GetView() => Task.FromResult(_brain.View);

    public Task<SupervisorStatus> GetStatus()
    {
        var state = _state.State;
        return Task.FromResult(new SupervisorStatus
        {
            Silo = _siloKey,
            AdaptationEnabled = AdaptationEnabled,
            AdaptationAllowed = _options.Adaptation.Enabled,
            AdaptationReason = _options.Adaptation.Enabled ? state.AdaptationReason : "disabled in configuration (Adaptive:Runtime:Adaptation:Enabled = false)",
            ActivatedAt = _activatedAt,
            Cycles = _cycles,
            LastCycleDuration = _lastCycleDuration,
            ViewVersion = _brain.View?.Version ?? 0,
            ModelVersion = _brain.ModelVersion,
            Silos = _brain.SiloCount,
            Partitions = _brain.PartitionCount,
            Migrations = state.Migrations,
            MigrationsFailed = state.MigrationsFailed,
            DesiredSilos = _brain.View?.DesiredSilos,
            ForecastMeanAbsoluteError = _brain.ForecastMeanAbsoluteError,
            LastValueMeanAbsoluteError = _brain.LastValueMeanAbsoluteError,
            LatestDecisionId = state.LastDecisionId,
            Quarantined = [.. state.Quarantined.Keys.Order(StringComparer.Ordinal)],
            MaxQuarantined = _maxQuarantined,
            HealthModelTrainings = _health.Detector.Trainings,
            Evictions = state.Evictions,
        });
    }

    public Task<IReadOnlyList<SiloHealthReport>> GetHealth()
    {
        var quarantined = _state.State.Quarantined;
        IReadOnlyList<SiloHealthReport> reports = _health.Detector.Nodes
            .Order(StringComparer.Ordinal)
            .Select(silo => _health.Detector.Latest(silo)!)
            .Select(verdict => new SiloHealthReport
            {
                Silo = verdict.Node,
                Health = (SiloHealthState)verdict.State,
                Quarantined = quarantined.ContainsKey(verdict.Node),
                Score = verdict.Score,
                Threshold = verdict.Threshold,
                Evidence = verdict.Evidence.ToString(),
                TimeToLimitSeconds = verdict.TimeToLimit?.TotalSeconds,
                TopFeatures = verdict.TopFeatures.Select(static f => new HealthFeature(f.Feature, f.Value, f.Deviation, f.Share)).ToList(),
                Failures = verdict.Failures,
                Explanation = verdict.Explain(),
            })
            .ToList();
        return Task.FromResult(reports);
    }

    public async Task SetQuarantine(string silo, bool quarantined, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (!SiloAddress.TryParse(silo, out _))
        {
            throw new ArgumentException($"'{silo}' is not a silo address (expected host:port@generation, as `adaptive status` shows).", nameof(silo));
        }

        var state = _state.State;
        if (quarantined)
        {
            if (state.Quarantined.ContainsKey(silo))
            {
                return;
            }

            var silos = ActiveSilos()?.Count ?? _brain.SiloCount;
            var allowed = HealthSupervisor.MaxQuarantined(_options.Health, silos);
            if (state.Quarantined.Count >= allowed)
            {
                throw new InvalidOperationException(
                    $"{state.Quarantined.Count} of {silos} silos are quarantined already, the most allowed (Adaptive:Runtime:Health:MaxQuarantinedFraction = {_options.Health.MaxQuarantinedFraction}).");
            }

            state.Quarantined[silo] = new QuarantineRecord { Since = _time.GetUtcNow(), Reason = reason, Manual = true };
            Record(DecisionKind.SiloStateChanged, silo, $"Silo {silo} is quarantined by an operator: {reason}", null, null, NoInputs);
            Log.Quarantined(_logger, silo, reason);
        }
        else if (state.Quarantined.Remove(silo))
        {
            Record(DecisionKind.SiloStateChanged, silo, $"Silo {silo} is released from quarantine by an operator: {reason}", null, null, NoInputs);
            Log.Released(_logger, silo, reason);
        }

        await PersistAsync(includeModels: false);
    }

    public Task<IReadOnlyList<AdaptiveDecision>> GetDecisions(long afterId, int maxCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        IReadOnlyList<AdaptiveDecision> decisions = _state.State.Decisions
            .Where(d => d.Id > afterId)
            .Take(Math.Min(maxCount, MaxDecisionsPerQuery))
            .ToList();
        return Task.FromResult(decisions);
    }

    public async Task<bool> SetAdaptation(bool enabled, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (enabled && !_options.Adaptation.Enabled)
        {
            throw new InvalidOperationException(
                "Adaptation is disabled in configuration (Adaptive:Runtime:Adaptation:Enabled = false); enable it there and restart the silos to switch it on.");
        }

        var state = _state.State;
        if (state.AdaptationEnabled != enabled)
        {
            state.AdaptationEnabled = enabled;
            state.AdaptationReason = reason;
            Record(DecisionKind.AdaptationChanged, "cluster", $"Adaptation switched {(enabled ? "on" : "off")}: {reason}", null, null, NoInputs);
            Log.AdaptationChanged(_logger, enabled ? "on" : "off", reason);
            await PersistAsync(includeModels: false);
        }

        return AdaptationEnabled;
    }

    public async Task SetDraining(string silo, bool draining, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (!SiloAddress.TryParse(silo, out _))
        {
            throw new ArgumentException($"'{silo}' is not a silo address (expected host:port@generation, as `adaptive status` shows).", nameof(silo));
        }

        var changed = draining ? _state.State.Draining.TryAdd(silo, reason) : _state.State.Draining.Remove(silo);
        if (changed)
        {
            var stateName = draining ? "draining" : "active";
            Record(DecisionKind.SiloStateChanged, silo, $"Silo {silo} is now {stateName}: {reason}", null, null, NoInputs);
            Log.SiloStateChanged(_logger, silo, stateName, reason);
            await PersistAsync(includeModels: false);
        }
    }

    private async Task RunCycleAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var now = _time.GetUtcNow();
        var active = ActiveSilos();
        try
        {
            await RunHealthAsync(now, active);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.SupervisorCycleFailed(_logger, exception);
        }

        CycleOutcome outcome;
        try
        {
            outcome = _brain.RunCycle(now, active, AdaptationEnabled, SiloStates(), Unreachable());
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.SupervisorCycleFailed(_logger, exception);
            return;
        }

        _cycles++;
        _localView.Update(outcome.View);
        foreach (var move in outcome.TimedOut)
        {
            MigrationDidNotHappen(move.Partition, move.From, move.To, null, $"the partition did not show up on {move.To} within {_options.Rebalancing.MigrationTimeout.TotalSeconds:0} s");
        }

        foreach (var departed in outcome.DepartedSilos)
        {
            if (_state.State.Draining.Remove(departed))
            {
                Record(DecisionKind.SiloStateChanged, departed, $"Silo {departed} left the cluster while draining.", null, null, NoInputs);
            }

            if (_state.State.Quarantined.Remove(departed))
            {
                Record(DecisionKind.SiloStateChanged, departed, $"Silo {departed} left the cluster while quarantined.", null, null, NoInputs);
            }
        }

        if (outcome.OrphanedPartitions.Count > 0 && AdaptationEnabled && _options.Health.ReactivatePartitions)
        {
            StartReactivation(outcome.DepartedSilos, outcome.OrphanedPartitions);
        }

        if (_options.Health.ShutdownWhenDrained && AdaptationEnabled)
        {
            await ShutDownDrainedAsync(outcome.View);
        }

        if (outcome.NewScaleAdvice is { } desired)
        {
            Record(
                DecisionKind.ScaleAdvice,
                "cluster",
                string.Create(CultureInfo.InvariantCulture, $"Advise {desired} silos: predicted load {outcome.PredictedClusterLoad:0.#} work units/s ÷ ({outcome.CapacityPerSilo:0.#} per silo × target {_options.Scaling.TargetUtilization:P0})."),
                null,
                null,
                new Dictionary<string, double>
                {
                    ["desiredSilos"] = desired,
                    ["predictedClusterLoad"] = outcome.PredictedClusterLoad,
                    ["capacityPerSilo"] = outcome.CapacityPerSilo ?? 0,
                    ["targetUtilization"] = _options.Scaling.TargetUtilization,
                });
            Log.ScaleAdviceChanged(_logger, desired, outcome.PredictedClusterLoad);
        }

        _instruments.PublishClusterSignals(new ClusterSignals(outcome.View.DesiredSilos, outcome.PredictedClusterLoad));
        if (outcome.Plan.Moves.Count > 0)
        {
            StartMigrations(outcome.Plan.Moves);
        }

        var includeModels = now - _modelsSavedAt >= ModelPersistInterval;
        if (_dirty || includeModels)
        {
            await PersistAsync(includeModels);
        }

        _lastCycleDuration = Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// Asks each partition to migrate. The calls are not awaited in the cycle: a call to a silo that stopped answering
    /// would hold the supervisor for Orleans' response timeout, and reports would queue behind it. Failures are
    /// recorded when they come back (on the grain's scheduler, one turn at a time).
    /// </summary>
    private void StartMigrations(IReadOnlyList<PlannedMove> moves)
    {
        var started = new List<(PlannedMove Move, Task Call)>(moves.Count);
        foreach (var move in moves)
        {
            if (!GrainId.TryParse(move.Partition, out var grainId) || !SiloAddress.TryParse(move.To, out var target))
            {
                MigrationDidNotHappen(move.Partition, move.From, move.To, null, "the partition or silo id could not be parsed");
                continue;
            }

            Record(DecisionKind.Migration, move.Partition, move.Explain(), move.From, move.To, Inputs(move));
            Log.MigrationStarted(_logger, move.Partition, move.From, move.To, move.Explain());
            _state.State.Migrations++;

            // The hint rides on this call only: RequestContext flows into every later call of this turn otherwise.
            RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
            try
            {
                started.Add((move, GrainFactory.GetGrain(grainId).Cast<IGrainManagementExtension>().MigrateOnIdle().AsTask()));
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                started.Add((move, Task.FromException(exception)));
            }
            finally
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }
        }

        _instruments.MigrationsStarted(started.Count);
        foreach (var (move, call) in started)
        {
            _ = ObserveMigrationAsync(move, call);
        }
    }

    private async Task ObserveMigrationAsync(PlannedMove move, Task call)
    {
        try
        {
            await call;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            MigrationDidNotHappen(move.Partition, move.From, move.To, exception, exception.Message);
        }
    }

    /// <summary>Scores the silos and acts on the verdicts: quarantine, release, refuse (safety), probe, evict.</summary>
    private async Task RunHealthAsync(DateTimeOffset now, HashSet<string>? active)
    {
        if (!_options.Health.Enabled)
        {
            return;
        }

        var state = _state.State;
        var unresponsive = new HashSet<string>(_unresponsive, StringComparer.Ordinal);
        _unresponsive.Clear();
        var cycle = _health.RunCycle(active, state.Quarantined.Keys.ToHashSet(StringComparer.Ordinal), unresponsive, AdaptationEnabled && _options.Health.Quarantine);
        _maxQuarantined = cycle.MaxQuarantined;

        foreach (var verdict in cycle.Verdicts)
        {
            if (verdict.Changed)
            {
                var reason = verdict.Explain();
                Record(DecisionKind.HealthChanged, verdict.Node, $"Silo {verdict.Node} is {verdict.State} (was {verdict.PreviousState}): {reason}.", null, null, HealthInputs(verdict));
                Log.HealthChanged(_logger, verdict.Node, verdict.PreviousState.ToString(), verdict.State.ToString(), reason);
                if (verdict.State == HealthState.Failing)
                {
                    state.HealthFailures[verdict.Node] = verdict.Failures;
                }
            }

            if (verdict.State != HealthState.Failing)
            {
                _refusalsRecorded.Remove(verdict.Node);
            }
        }

        foreach (var verdict in cycle.Quarantine)
        {
            var reason = $"Silo {verdict.Node} is quarantined: it is Failing ({verdict.Explain()}); placement avoids it and its partitions move off.";
            state.Quarantined[verdict.Node] = new QuarantineRecord { Since = now, Reason = reason };
            Record(DecisionKind.SiloStateChanged, verdict.Node, reason, null, null, HealthInputs(verdict));
            Log.Quarantined(_logger, verdict.Node, verdict.Explain());
        }

        foreach (var silo in cycle.Release)
        {
            if (state.Quarantined.TryGetValue(silo, out var record) && !record.Manual)
            {
                state.Quarantined.Remove(silo);
                var verdict = cycle.Verdicts.FirstOrDefault(v => v.Node == silo);
                var why = HealthSupervisor.ReleaseReason(verdict, _options.Health);
                var reason = $"Silo {silo} is released from quarantine: {why}";
                Record(DecisionKind.SiloStateChanged, silo, reason, null, null, NoInputs);
                Log.Released(_logger, silo, why);
            }
        }

        foreach (var (verdict, why) in cycle.Refused)
        {
            if (_refusalsRecorded.Add(verdict.Node))
            {
                Record(DecisionKind.QuarantineRefused, verdict.Node, $"Silo {verdict.Node} is Failing but stays in service: {why}.", null, null, HealthInputs(verdict));
                Log.QuarantineRefused(_logger, verdict.Node, why);
            }
        }

        foreach (var verdict in cycle.Evict)
        {
            await EvictAsync(verdict);
        }

        foreach (var silo in cycle.Probe)
        {
            StartProbe(silo);
        }
    }

    /// <summary>Asks a silent silo's node monitor for a sign of life; no answer within the timeout makes it unresponsive.</summary>
    private void StartProbe(string silo)
    {
        if (_probes.TryGetValue(silo, out var running) && !running.IsCompleted || !SiloAddress.TryParse(silo, out var address))
        {
            return;
        }

        _probes[silo] = ProbeAsync();

        async Task ProbeAsync()
        {
            try
            {
                await GrainFactory.GetNodeMonitor(address).GetInfo().WaitAsync(_options.Health.ProbeTimeout);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                _unresponsive.Add(silo);
            }
        }
    }

    /// <summary>
    /// Asks quarantined silos that host no partition any more to shut down gracefully (once each). Drained means
    /// three cycles in a row whose latest report, taken after the quarantine began, lists no partition: a report from before the
    /// quarantine may not list partitions activated just before it.
    /// </summary>
    private async Task ShutDownDrainedAsync(ClusterLoadView view)
    {
        foreach (var silo in view.Silos)
        {
            if (silo.State != SiloAdaptiveState.Quarantined || !_state.State.Quarantined.TryGetValue(silo.Silo, out var quarantine)
                || silo.LastReportAt <= quarantine.Since || silo.Partitions > 0)
            {
                _drainedReports.Remove(silo.Silo);
                continue;
            }

            if ((_drainedReports[silo.Silo] = _drainedReports.GetValueOrDefault(silo.Silo) + 1) < 3
                || !_shutdownRequested.Add(silo.Silo) || !SiloAddress.TryParse(silo.Silo, out var address))
            {
                continue;
            }

            var reason = $"Silo {silo.Silo} is quarantined and drained (no partition left on it): asked to shut down gracefully, so its orchestrator starts a fresh one.";
            Record(DecisionKind.Shutdown, silo.Silo, reason, null, null, NoInputs);
            try
            {
                await GrainFactory.GetGrain<ISiloControlGrain>(NodeMonitorKey.For(address)).RequestShutdown(reason).WaitAsync(_options.Health.ProbeTimeout);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // It may be too sick to answer; it stays quarantined either way.
                Log.ShutdownRequestFailed(_logger, exception, silo.Silo);
            }
        }
    }

    /// <summary>Declares a silo that does not answer dead, so the cluster stops waiting for it.</summary>
    private async Task EvictAsync(NodeHealth verdict)
    {
        if (!SiloAddress.TryParse(verdict.Node, out var address))
        {
            return;
        }

        var reason = $"Silo {verdict.Node} stopped reporting and did not answer a probe within {_options.Health.ProbeTimeout.TotalSeconds:0.#} s: evicted from membership, so calls stop waiting for it and its partitions re-activate elsewhere.";
        Record(DecisionKind.Eviction, verdict.Node, reason, null, null, HealthInputs(verdict));
        Log.Evicting(_logger, verdict.Node, reason);
        _state.State.Evictions++;
        try
        {
            if (!await _membership.TryKill(address))
            {
                Log.EvictionFailed(_logger, null, verdict.Node);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.EvictionFailed(_logger, exception, verdict.Node);
        }
    }

    /// <summary>
    /// Re-activates the partitions of silos that left, then every other known partition (Orleans' directory also
    /// drops activations on survivors whose directory entries lived on the dead silo). One sweep at a time; partitions
    /// orphaned meanwhile join the next.
    /// </summary>
    private void StartReactivation(IReadOnlyList<string> departed, IReadOnlyList<string> orphaned)
    {
        _toReactivate.AddRange(orphaned);
        if (!_reactivating.IsCompleted)
        {
            return;
        }

        var first = _toReactivate.ToList();
        _toReactivate.Clear();
        var rest = _brain.KnownPartitions.Except(first, StringComparer.Ordinal).ToList();
        var silos = string.Join(", ", departed);
        _reactivating = SweepAsync();

        async Task SweepAsync()
        {
            var (called, failed, elapsed) = await _reactivator.ReactivateAsync(first, TimeSpan.FromSeconds(30), CancellationToken.None);
            Record(
                DecisionKind.Reactivation,
                silos.Length > 0 ? silos : "cluster",
                string.Create(CultureInfo.InvariantCulture, $"Re-activated {called - failed} of {called} partitions of departed silo(s) {silos} from storage in {elapsed.TotalSeconds:0.0} s."),
                null,
                null,
                new Dictionary<string, double> { ["partitions"] = called, ["failed"] = failed, ["seconds"] = elapsed.TotalSeconds });
            Log.Reactivated(_logger, silos, called, failed, elapsed);
            await _reactivator.ReactivateAsync(rest, TimeSpan.FromSeconds(30), CancellationToken.None);
        }
    }

    private static Dictionary<string, double> HealthInputs(NodeHealth verdict)
    {
        // Only finite figures: before the model exists the score is NaN, which JSON cannot carry.
        var inputs = new Dictionary<string, double> { ["state"] = (int)verdict.State, ["failures"] = verdict.Failures };
        if (double.IsFinite(verdict.Score))
        {
            inputs["score"] = verdict.Score;
            inputs["threshold"] = verdict.Threshold;
        }

        if (verdict.TimeToLimit is { } eta)
        {
            inputs["timeToLimitSeconds"] = eta.TotalSeconds;
        }

        foreach (var feature in verdict.TopFeatures.Where(static f => double.IsFinite(f.Value)))
        {
            inputs[$"{feature.Feature}.value"] = feature.Value;
            if (double.IsFinite(feature.Deviation))
            {
                inputs[$"{feature.Feature}.deviation"] = feature.Deviation;
            }
        }

        return inputs;
    }

    private void MigrationDidNotHappen(string partition, string from, string to, Exception? exception, string why)
    {
        _brain.CancelMove(partition);
        _state.State.MigrationsFailed++;
        _instruments.MigrationFailed();
        Record(DecisionKind.MigrationFailed, partition, $"Migration of {partition} from {from} to {to} failed: {why}.", from, to, NoInputs);
        Log.MigrationFailed(_logger, exception, partition, to, why);
    }

    private void Record(DecisionKind kind, string subject, string reason, string? from, string? to, IReadOnlyDictionary<string, double> inputs)
    {
        var state = _state.State;
        state.Decisions.Add(new AdaptiveDecision
        {
            Id = ++state.LastDecisionId,
            At = _time.GetUtcNow(),
            Kind = kind,
            Subject = subject,
            From = from,
            To = to,
            Reason = reason,
            Inputs = inputs,
            ModelVersion = _brain.ModelVersion,
            Cycle = _brain.View?.Version ?? 0,
        });
        var excess = state.Decisions.Count - _options.Adaptation.DecisionLogCapacity;
        if (excess > 0)
        {
            state.Decisions.RemoveRange(0, excess);
        }

        _dirty = true;
    }

    private static Dictionary<string, double> Inputs(PlannedMove move) => new()
    {
        ["partitionPredictedLoad"] = move.PartitionLoad,
        ["fromUtilizationBefore"] = move.FromUtilizationBefore,
        ["fromUtilizationAfter"] = move.FromUtilizationAfter,
        ["toUtilizationBefore"] = move.ToUtilizationBefore,
        ["toUtilizationAfter"] = move.ToUtilizationAfter,
        ["balancedUtilization"] = move.BalancedUtilization,
    };

    private HashSet<string>? ActiveSilos()
    {
        var snapshot = _membership.CurrentSnapshot;
        if (snapshot is null)
        {
            return null;
        }

        var active = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (address, member) in snapshot.Members)
        {
            if (member.Status == SiloStatus.Active)
            {
                active.Add(NodeMonitorKey.For(address));
            }
        }

        return active;
    }

    /// <summary>Silos whose reports stopped and that did not answer a probe (or are being probed for it).</summary>
    private HashSet<string> Unreachable()
    {
        var unreachable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var silo in _health.Detector.Nodes)
        {
            if (_health.Detector.Latest(silo) is { } verdict && (verdict.Evidence & (HealthEvidence.Silent | HealthEvidence.Unresponsive)) != 0)
            {
                unreachable.Add(silo);
            }
        }

        return unreachable;
    }

    private Dictionary<string, SiloAdaptiveState> SiloStates()
    {
        var states = new Dictionary<string, SiloAdaptiveState>(StringComparer.Ordinal);
        foreach (var silo in _state.State.Draining.Keys)
        {
            states[silo] = SiloAdaptiveState.Draining;
        }

        foreach (var silo in _state.State.Quarantined.Keys)
        {
            states[silo] = SiloAdaptiveState.Quarantined;
        }

        return states;
    }

    private async Task PersistAsync(bool includeModels)
    {
        try
        {
            _brain.SaveTo(_state.State, includeModels, MaxPersistedPartitionModels);
            if (includeModels)
            {
                _state.State.HealthBaselines = _health.Baselines().Select(HealthBaselineState.From).ToList();
            }
            await _state.WriteStateAsync();
            _dirty = false;
            if (includeModels)
            {
                _modelsSavedAt = _time.GetUtcNow();
            }
        }
        catch (InconsistentStateException exception)
        {
            // Another activation wrote since we read (a brief duplicate after a silo failure): it owns the state now.
            Log.SupervisorPersistFailed(_logger, exception);
            DeactivateOnIdle();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Decisions stay in memory and are written with the next successful write.
            Log.SupervisorPersistFailed(_logger, exception);
        }
    }
}
