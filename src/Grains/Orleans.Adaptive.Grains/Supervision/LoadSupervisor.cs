using System.Runtime.InteropServices;
using Orleans.Adaptive.Learning.Numerics;
using Orleans.Adaptive.Learning.Placement;

namespace Orleans.Adaptive.Supervision;

/// <summary>
/// The load side of the supervisor, free of Orleans: takes node reports, keeps the per-partition and per-silo
/// forecasts up to date, plans migrations, advises a silo count and builds the <see cref="ClusterLoadView"/>.
/// </summary>
/// <remarks>
/// <para>
/// A silo's predicted load is the sum of the forecasts of the partitions on it plus a forecast of the load its
/// partitions do not account for (its "residual"). Building it from partitions, rather than forecasting each silo's
/// total, is what lets a view reflect a migration at once: the moved partition's forecast simply counts on its new
/// silo.
/// </para>
/// <para>
/// Each cycle reads each silo's newest report once. A migration is pending from the moment it is planned until the
/// target silo reports the partition active (confirmed) or <see cref="RebalancingOptions.MigrationTimeout"/>
/// passes (failed); pending moves count in the predictions and against the migration budget.
/// </para>
/// <para>
/// At 100,000 partitions, looking partitions up by name costs more than forecasting them, so each partition's record
/// holds what a cycle needs (its silo's record, its forecast model, a pending move) and is found once per report.
/// </para>
/// <para>Not thread-safe: the supervisor grain owns it and calls it one turn at a time.</para>
/// </remarks>
internal sealed class LoadSupervisor
{
    /// <summary>Cycles a partition may go unreported by its silo before it is forgotten (deactivated).</summary>
    private const int ForgetPartitionAfterCycles = 3;

    private readonly AdaptiveRuntimeOptions _options;
    private readonly TimeSpan _cycleInterval;
    private readonly EntityLoadForecasts _partitionForecasts;
    private readonly EntityLoadForecasts _residualForecasts;
    private readonly RebalancePlanner _planner;
    private readonly ScaleAdvisor _scale;
    private readonly Dictionary<string, SiloRecord> _silos = new(StringComparer.Ordinal);
    // Every partition reported (active or not) with its forecast; only those reported active have a silo.
    private readonly Dictionary<string, PartitionRecord> _partitions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingMove> _pending = new(StringComparer.Ordinal);
    private readonly List<PartitionRecord> _reportedThisCycle = [];

    // The planner's inputs and the partitions' next-interval predictions, refilled every cycle: at 100,000 partitions
    // new lists would be large-object-heap allocations every cycle.
    private readonly List<PartitionLoadInput> _partitionInputs = [];
    private readonly List<double> _partitionPredictions = [];
    private long _observation;
    private readonly RollingMean _forecastError = new(60);
    private readonly RollingMean _lastValueError = new(60);
    private long _modelVersionOffset;
    private long _restoredViewVersion;

    public LoadSupervisor(AdaptiveRuntimeOptions options)
    {
        _options = options;
        _cycleInterval = options.Adaptation.CycleInterval ?? options.NodeMonitor.SampleInterval;
        var forecasting = new EntityForecastOptions
        {
            History = options.Forecasting.History,
            RefitEvery = options.Forecasting.RefitEvery,
            MinimumHistory = Math.Min(10, options.Forecasting.History),
        };
        _partitionForecasts = new EntityLoadForecasts(forecasting);
        _residualForecasts = new EntityLoadForecasts(forecasting);
        var rebalancing = options.Rebalancing;
        _planner = new RebalancePlanner(new RebalanceOptions
        {
            ImbalanceThreshold = rebalancing.ImbalanceThreshold,
            ReleaseThreshold = rebalancing.ReleaseThreshold,
            HotCycles = rebalancing.HotCycles,
            MaxMovesPerCycle = rebalancing.MaxMigrationsPerCycle,
            PartitionCooldown = rebalancing.PartitionCooldown,
            MinimumGain = rebalancing.MinimumGain,
            DrainTargetUtilization = rebalancing.DrainTargetUtilization,
        });
        var scaling = options.Scaling;
        _scale = new ScaleAdvisor(new ScaleOptions
        {
            TargetUtilization = scaling.TargetUtilization,
            MinSilos = scaling.MinSilos,
            MaxSilos = scaling.MaxSilos,
            ScaleInMargin = scaling.ScaleInMargin,
            StableEvaluations = scaling.StableCycles,
        });
    }

    public TimeSpan CycleInterval => _cycleInterval;

    public ClusterLoadView? View { get; private set; }

    public long ModelVersion => _partitionForecasts.Version + _residualForecasts.Version + _modelVersionOffset;

    public int SiloCount => _silos.Count;

    public int PartitionCount => _partitions.Values.Count(static p => p.Silo is not null);

    public int PendingMoves => _pending.Count;

    public RebalancePlanner Planner => _planner;

    public double? ForecastMeanAbsoluteError => _forecastError.Mean;

    public double? LastValueMeanAbsoluteError => _lastValueError.Mean;

    /// <summary>Keeps the newest report of a silo; it is read at the next cycle.</summary>
    public void Ingest(NodeReport report, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(report.Sample);
        var silo = report.Sample.Silo;
        if (string.IsNullOrWhiteSpace(silo))
        {
            throw new ArgumentException("The report names no silo.", nameof(report));
        }

        if (!_silos.TryGetValue(silo, out var record))
        {
            record = new SiloRecord(silo);
            _silos[silo] = record;
        }

        record.Latest = report;
        record.LastReportAt = receivedAt;
    }

    /// <summary>Runs one cycle: observe, forecast, plan, advise, publish.</summary>
    /// <param name="now">The time of the cycle.</param>
    /// <param name="activeSilos">Silos membership holds active, or null when unknown; others are dropped at once.</param>
    /// <param name="adaptationEnabled">Whether moves may be planned.</param>
    /// <param name="states">Silos that are not plainly active (draining, quarantined).</param>
    /// <param name="unreachable">
    /// Silos that stopped answering: nothing is planned off them (a migration needs the source to answer; their
    /// partitions are re-activated elsewhere once they are evicted) and nothing onto them.
    /// </param>
    public CycleOutcome RunCycle(
        DateTimeOffset now,
        IReadOnlySet<string>? activeSilos,
        bool adaptationEnabled,
        IReadOnlyDictionary<string, SiloAdaptiveState> states,
        IReadOnlySet<string>? unreachable = null)
    {
        ArgumentNullException.ThrowIfNull(states);
        var departed = ForgetDepartedSilos(now, activeSilos);
        ObserveNewReports();
        var timedOut = ExpirePendingMoves(now);
        var orphaned = ForgetVanishedPartitions();

        var silos = _silos.Values.OrderBy(static s => s.Silo, StringComparer.Ordinal).ToList();
        var capacities = PlanningCapacities(silos, out var capacityPerSilo);
        var horizon = _options.Forecasting.Horizon;
        var siloIndex = new Dictionary<string, int>(silos.Count, StringComparer.Ordinal);
        var predicted = new double[silos.Count, horizon];
        for (var i = 0; i < silos.Count; i++)
        {
            siloIndex[silos[i].Silo] = i;
            silos[i].Index = i;
            for (var h = 0; h < horizon; h++)
            {
                predicted[i, h] = _residualForecasts.Predict(silos[i].Silo, h + 1) ?? 0;
            }
        }

        Span<double> path = stackalloc double[horizon];
        var partitionInputs = _partitionInputs;
        var partitionPredictions = _partitionPredictions;
        partitionInputs.Clear();
        partitionPredictions.Clear();
        foreach (var record in _partitions.Values)
        {
            // Where it will be: the target of a move in flight, else where it was last reported active.
            var pending = record.Pending;
            int index;
            if (pending is not null)
            {
                if (!siloIndex.TryGetValue(pending.To, out index))
                {
                    continue;
                }
            }
            else if (record.Silo is { Departed: false } silo)
            {
                index = silo.Index;
            }
            else
            {
                continue;
            }

            // One pass over the model for every horizon.
            if (!record.Forecast.TryPredict(path))
            {
                path.Clear();
            }

            var next = path[0];
            for (var h = 0; h < horizon; h++)
            {
                predicted[index, h] += path[h];
            }

            partitionPredictions.Add(next);
            if (pending is null && unreachable?.Contains(silos[index].Silo) != true)
            {
                partitionInputs.Add(new PartitionLoadInput(record.Id, index, next));
            }
        }

        var plan = RebalancePlan.Empty;
        if (adaptationEnabled && _options.Rebalancing.Enabled && silos.Count > 1)
        {
            var siloInputs = new SiloLoadInput[silos.Count];
            for (var i = 0; i < silos.Count; i++)
            {
                var role = unreachable?.Contains(silos[i].Silo) == true ? SiloRole.Quarantined : RoleOf(states, silos[i].Silo);
                siloInputs[i] = new SiloLoadInput(silos[i].Silo, capacities[i], predicted[i, 0], role);
            }

            plan = _planner.Plan(now, siloInputs, partitionInputs, _options.Rebalancing.MaxMigrationsPerCycle - _pending.Count);
            foreach (var move in plan.Moves)
            {
                var pendingMove = new PendingMove(move.Partition, move.From, move.To, now);
                _pending[move.Partition] = pendingMove;
                if (_partitions.TryGetValue(move.Partition, out var moved))
                {
                    moved.Pending = pendingMove;
                }

                var from = siloIndex[move.From];
                var to = siloIndex[move.To];
                for (var h = 0; h < horizon; h++)
                {
                    predicted[from, h] -= move.PartitionLoad;
                    predicted[to, h] += move.PartitionLoad;
                }
            }
        }

        var totalPredicted = 0.0;
        var forecasts = new List<SiloForecast>(silos.Count);
        for (var i = 0; i < silos.Count; i++)
        {
            var loads = new double[horizon];
            for (var h = 0; h < horizon; h++)
            {
                loads[h] = Math.Max(0, predicted[i, h]);
            }

            var state = states.GetValueOrDefault(silos[i].Silo, SiloAdaptiveState.Active);
            silos[i].Prediction = loads[0];
            totalPredicted += loads[0];
            forecasts.Add(new SiloForecast
            {
                Silo = silos[i].Silo,
                State = state,
                ReportedCapacity = silos[i].ReportedCapacity,
                Capacity = capacities[i],
                ObservedLoad = silos[i].ObservedLoad,
                PredictedLoad = loads[0],
                PredictedLoads = loads,
                Partitions = silos[i].ActivePartitions,
                LastReportAt = silos[i].LastReportAt,
            });
        }

        var previousAdvice = _scale.DesiredSilos;
        var desired = capacityPerSilo is { } perSilo ? _scale.Evaluate(totalPredicted, perSilo) : null;
        var activeCapacity = forecasts.Where(static f => f.State == SiloAdaptiveState.Active).Sum(static f => f.Capacity);
        View = new ClusterLoadView
        {
            Version = (View?.Version ?? _restoredViewVersion) + 1,
            CreatedAt = now,
            CycleInterval = _cycleInterval,
            AdaptationEnabled = adaptationEnabled,
            ModelVersion = ModelVersion,
            Silos = forecasts,
            ExpectedPartitionLoad = ExpectedPartitionLoad(partitionPredictions, capacityPerSilo),
            DesiredSilos = desired,
            TargetUtilization = _options.Scaling.TargetUtilization,
            BalancedUtilization = activeCapacity > 0 ? totalPredicted / activeCapacity : 0,
        };

        return new CycleOutcome(View, plan, timedOut, departed, orphaned, previousAdvice != desired && desired is not null ? desired : null, totalPredicted, capacityPerSilo);
    }

    /// <summary>Drops a move that could not be started, so the partition counts where it is.</summary>
    public void CancelMove(string partition)
    {
        _pending.Remove(partition);
        if (_partitions.TryGetValue(partition, out var record))
        {
            record.Pending = null;
        }
    }

    /// <summary>Restores what the supervisor persisted: cool-downs, models, versions.</summary>
    public void Restore(SupervisorState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _planner.RestoreLastMoved(state.LastMoved);
        _partitionForecasts.Restore(state.PartitionModels.Select(static m => m.ToSnapshot()), 0);
        _residualForecasts.Restore(state.ResidualModels.Select(static m => m.ToSnapshot()), 0);
        _modelVersionOffset = state.ModelVersion;
        _restoredViewVersion = state.ViewVersion;
    }

    /// <summary>Copies what must survive a restart into <paramref name="state"/>.</summary>
    /// <param name="state">The state to fill.</param>
    /// <param name="includeModels">Whether to copy the forecasting models too (they are larger and change every cycle).</param>
    /// <param name="maxPartitionModels">Most partition models kept: the most loaded ones.</param>
    public void SaveTo(SupervisorState state, bool includeModels, int maxPartitionModels)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.LastMoved = new Dictionary<string, DateTimeOffset>(_planner.LastMoved, StringComparer.Ordinal);
        state.ViewVersion = View?.Version ?? state.ViewVersion;
        state.ModelVersion = ModelVersion;
        if (includeModels)
        {
            state.ResidualModels = _residualForecasts.Snapshot().Select(ForecastModelState.From).ToList();
            state.PartitionModels = _partitionForecasts.Snapshot()
                .OrderByDescending(static m => m.Last)
                .Take(maxPartitionModels)
                .Select(ForecastModelState.From)
                .ToList();
        }
    }

    private List<string> ForgetDepartedSilos(DateTimeOffset now, IReadOnlySet<string>? activeSilos)
    {
        var staleAfter = _cycleInterval * _options.Adaptation.StaleViewCycles;
        var departed = new List<string>();
        foreach (var (silo, record) in _silos)
        {
            if ((activeSilos is not null && !activeSilos.Contains(silo)) || now - record.LastReportAt > staleAfter)
            {
                departed.Add(silo);
            }
        }

        foreach (var silo in departed)
        {
            if (_silos.Remove(silo, out var record))
            {
                record.Departed = true;
            }

            _residualForecasts.Forget(silo);
        }

        return departed;
    }

    private void ObserveNewReports()
    {
        // Reused from cycle to cycle: at 100,000 partitions, growing a new list each cycle costs more than filling it.
        var reported = _reportedThisCycle;
        reported.Clear();
        _observation++;
        foreach (var record in _silos.Values)
        {
            record.ReportedThisCycle = false;
            if (record.Latest is not { } report || report.Sample.Sequence == record.ProcessedSequence)
            {
                continue;
            }

            record.ProcessedSequence = report.Sample.Sequence;
            record.ReportedThisCycle = true;
            var active = 0;
            var partitionSum = 0.0;
            foreach (var partition in report.Partitions ?? [])
            {
                if (partition?.GrainId is null || !double.IsFinite(partition.WorkUnitsPerSecond) || partition.WorkUnitsPerSecond < 0)
                {
                    continue;
                }

                // One look-up per partition per report; a partition in two reports (mid-migration) sums its loads.
                ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_partitions, partition.GrainId, out _);
                var partitionRecord = slot ??= new PartitionRecord(partition.GrainId, _partitionForecasts.Track(partition.GrainId));
                if (partitionRecord.LoadObservation != _observation)
                {
                    partitionRecord.LoadObservation = _observation;
                    partitionRecord.Load = 0;
                    reported.Add(partitionRecord);
                }

                partitionRecord.Load += partition.WorkUnitsPerSecond;
                partitionSum += partition.WorkUnitsPerSecond;
                if (partition.IsActive)
                {
                    active++;
                    Locate(partitionRecord, record);
                }
            }

            var observed = report.Sample.WorkUnitsPerSecond is { } units && double.IsFinite(units) && units >= 0 ? units : partitionSum;
            if (record.Prediction is { } predictedBefore && record.HasObservation)
            {
                _forecastError.Add(Math.Abs(predictedBefore - observed));
                _lastValueError.Add(Math.Abs(record.ObservedLoad - observed));
            }

            record.ObservedLoad = observed;
            record.HasObservation = true;
            record.ReportedCapacity = report.Sample.CapacityWorkUnitsPerSecond is { } capacity && double.IsFinite(capacity) && capacity > 0 ? capacity : null;
            record.ActivePartitions = active;
            _residualForecasts.Observe(record.Silo, Math.Max(0, observed - partitionSum));
        }

        foreach (var partition in reported)
        {
            partition.Forecast.Observe(partition.Load);
        }
    }

    private void Locate(PartitionRecord partition, SiloRecord silo)
    {
        partition.Silo = silo;
        partition.SeenInObservation = _observation;
        partition.MissedCycles = 0;
        if (partition.Pending is { } pending && string.Equals(pending.To, silo.Silo, StringComparison.Ordinal))
        {
            _pending.Remove(partition.Id);
            partition.Pending = null;
        }
    }

    private List<PendingMove> ExpirePendingMoves(DateTimeOffset now)
    {
        var expired = new List<PendingMove>();
        foreach (var move in _pending.Values)
        {
            if (now - move.StartedAt > _options.Rebalancing.MigrationTimeout || !_silos.ContainsKey(move.To))
            {
                expired.Add(move);
            }
        }

        foreach (var move in expired)
        {
            _pending.Remove(move.Partition);
            if (_partitions.TryGetValue(move.Partition, out var record) && ReferenceEquals(record.Pending, move))
            {
                record.Pending = null;
            }
        }

        return expired;
    }

    /// <summary>Forgets partitions no longer reported; returns those whose silo left (they need re-activating).</summary>
    private List<string> ForgetVanishedPartitions()
    {
        List<string>? vanished = null;
        var orphaned = new List<string>();
        foreach (var (partition, record) in _partitions)
        {
            if (record.Silo is not { } silo)
            {
                // Reported, never active (its load counts, it is on no silo): forgotten once its reports stop.
                if (_observation - record.LoadObservation >= ForgetPartitionAfterCycles && record.Pending is null)
                {
                    (vanished ??= []).Add(partition);
                }

                continue;
            }

            if (silo.Departed)
            {
                // Its silo is gone: it will be re-activated elsewhere and reported from there.
                (vanished ??= []).Add(partition);
                orphaned.Add(partition);
                continue;
            }

            if (silo.ReportedThisCycle && record.SeenInObservation != _observation && record.Pending is null
                && ++record.MissedCycles >= ForgetPartitionAfterCycles)
            {
                (vanished ??= []).Add(partition);
            }
        }

        foreach (var partition in vanished ?? [])
        {
            _partitions.Remove(partition);
            _partitionForecasts.Forget(partition);
        }

        return orphaned;
    }

    /// <summary>Every partition the silos reported active, most recently.</summary>
    public IEnumerable<string> KnownPartitions => _partitions.Values.Where(static p => p.Silo is not null).Select(static p => p.Id);

    /// <summary>
    /// The capacity planning uses for each silo: the reported one, else the configured one, else the mean of those
    /// reported; with none at all, 1 for every silo (loads are then balanced as they are, in absolute terms).
    /// </summary>
    private double[] PlanningCapacities(List<SiloRecord> silos, out double? capacityPerSilo)
    {
        var reported = silos.Where(static s => s.ReportedCapacity is not null).Select(static s => s.ReportedCapacity!.Value).ToList();
        double? fallback = _options.Scaling.SiloCapacity ?? (reported.Count > 0 ? reported.Average() : null);
        var capacities = new double[silos.Count];
        for (var i = 0; i < silos.Count; i++)
        {
            capacities[i] = silos[i].ReportedCapacity ?? fallback ?? 1;
        }

        capacityPerSilo = fallback is null ? null : capacities.Length > 0 ? capacities.Average() : fallback;
        return capacities;
    }

    private static double ExpectedPartitionLoad(List<double> predictions, double? capacityPerSilo)
    {
        // The median of the positive predictions, selected in place (a sort of 100,000 values cost ~8 ms a cycle).
        var span = CollectionsMarshal.AsSpan(predictions);
        var positive = 0;
        foreach (var prediction in span)
        {
            if (prediction > 0)
            {
                span[positive++] = prediction;
            }
        }

        if (positive > 0)
        {
            return Descriptive.SelectInPlace(span[..positive], positive / 2);
        }

        // Nothing measured yet: any small positive amount makes placements count, so they spread by capacity.
        return (capacityPerSilo ?? 1) * 1e-3;
    }

    private static SiloRole RoleOf(IReadOnlyDictionary<string, SiloAdaptiveState> states, string silo)
        => states.GetValueOrDefault(silo, SiloAdaptiveState.Active) switch
        {
            SiloAdaptiveState.Draining => SiloRole.Draining,
            SiloAdaptiveState.Quarantined => SiloRole.Quarantined,
            _ => SiloRole.Active,
        };

    private sealed class SiloRecord(string silo)
    {
        public string Silo { get; } = silo;

        public NodeReport? Latest { get; set; }

        public long ProcessedSequence { get; set; } = -1;

        public DateTimeOffset LastReportAt { get; set; }

        public bool ReportedThisCycle { get; set; }

        /// <summary>Dropped from the supervisor (dead or silent): its partitions are orphans.</summary>
        public bool Departed { get; set; }

        /// <summary>Its position in this cycle's ordered list of silos.</summary>
        public int Index { get; set; }

        public bool HasObservation { get; set; }

        public double ObservedLoad { get; set; }

        public double? ReportedCapacity { get; set; }

        public int ActivePartitions { get; set; }

        public double? Prediction { get; set; }
    }

    private sealed class PartitionRecord(string id, EntityForecast forecast)
    {
        public string Id { get; } = id;

        public EntityForecast Forecast { get; } = forecast;

        /// <summary>The silo that last reported it active; null if none ever did.</summary>
        public SiloRecord? Silo { get; set; }

        /// <summary>The move in flight, if any (also in the supervisor's list of pending moves).</summary>
        public PendingMove? Pending { get; set; }

        /// <summary>Its load summed over this observation's reports (valid when <see cref="LoadObservation"/> is the current one).</summary>
        public double Load { get; set; }

        /// <summary>The last observation in which any silo reported its load.</summary>
        public long LoadObservation { get; set; }

        public int MissedCycles { get; set; }

        /// <summary>The last observation (cycle of reports) in which its silo listed it as active.</summary>
        public long SeenInObservation { get; set; }
    }

    private sealed class RollingMean(int window)
    {
        private readonly Queue<double> _values = new();
        private double _sum;

        public double? Mean => _values.Count == 0 ? null : _sum / _values.Count;

        public void Add(double value)
        {
            _values.Enqueue(value);
            _sum += value;
            if (_values.Count > window)
            {
                _sum -= _values.Dequeue();
            }
        }
    }
}

/// <summary>A migration started and not yet seen to arrive.</summary>
internal sealed record PendingMove(string Partition, string From, string To, DateTimeOffset StartedAt);

/// <summary>What one supervisor cycle produced.</summary>
/// <param name="View">The new view.</param>
/// <param name="Plan">The rebalance plan (its moves are now pending).</param>
/// <param name="TimedOut">Earlier moves that did not arrive in time.</param>
/// <param name="DepartedSilos">Silos dropped this cycle (dead or silent).</param>
/// <param name="OrphanedPartitions">Partitions whose silo was dropped this cycle: they need re-activating elsewhere.</param>
/// <param name="NewScaleAdvice">The advised silo count, when it changed this cycle.</param>
/// <param name="PredictedClusterLoad">Total predicted load.</param>
/// <param name="CapacityPerSilo">Capacity of a typical silo, when known.</param>
internal sealed record CycleOutcome(
    ClusterLoadView View,
    RebalancePlan Plan,
    IReadOnlyList<PendingMove> TimedOut,
    IReadOnlyList<string> DepartedSilos,
    IReadOnlyList<string> OrphanedPartitions,
    int? NewScaleAdvice,
    double PredictedClusterLoad,
    double? CapacityPerSilo);
