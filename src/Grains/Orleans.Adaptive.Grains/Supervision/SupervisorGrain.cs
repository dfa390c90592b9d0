using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Adaptive.Diagnostics;
using Orleans.Adaptive.Learning.Placement;
using Orleans.Adaptive.Monitoring;
using Orleans.Adaptive.Placement;
using Orleans.Core.Internal;
using Orleans.Placement;
using Orleans.Runtime.Placement;
using Orleans.Storage;

namespace Orleans.Adaptive.Supervision;

/// <summary>
/// The cluster's supervisor (one activation, key <see cref="SupervisorKey.Value"/>): every cycle it runs the
/// <see cref="LoadSupervisor"/>, starts the migrations it plans, records every decision, and persists what a
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
    private LoadSupervisor _brain = null!;
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
    }

    private bool AdaptationEnabled => _options.Adaptation.Enabled && (_state.State.AdaptationEnabled ?? true);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = _modelsSavedAt = _time.GetUtcNow();
        _brain = new LoadSupervisor(_options);
        _brain.Restore(_state.State);
        var interval = _brain.CycleInterval;
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
        });
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
        CycleOutcome outcome;
        try
        {
            outcome = _brain.RunCycle(now, ActiveSilos(), AdaptationEnabled, SiloStates());
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
            await StartMigrationsAsync(outcome.Plan.Moves);
        }

        var includeModels = now - _modelsSavedAt >= ModelPersistInterval;
        if (_dirty || includeModels)
        {
            await PersistAsync(includeModels);
        }

        _lastCycleDuration = Stopwatch.GetElapsedTime(started);
    }

    private async Task StartMigrationsAsync(IReadOnlyList<PlannedMove> moves)
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
            try
            {
                await call;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                MigrationDidNotHappen(move.Partition, move.From, move.To, exception, exception.Message);
            }
        }
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

    private Dictionary<string, SiloAdaptiveState> SiloStates()
    {
        var states = new Dictionary<string, SiloAdaptiveState>(StringComparer.Ordinal);
        foreach (var silo in _state.State.Draining.Keys)
        {
            states[silo] = SiloAdaptiveState.Draining;
        }

        return states;
    }

    private async Task PersistAsync(bool includeModels)
    {
        try
        {
            _brain.SaveTo(_state.State, includeModels, MaxPersistedPartitionModels);
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
