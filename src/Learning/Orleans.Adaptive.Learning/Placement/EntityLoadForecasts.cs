namespace Orleans.Adaptive.Learning.Placement;

/// <summary>Settings of <see cref="EntityLoadForecasts"/>.</summary>
public sealed record EntityForecastOptions
{
    /// <summary>Observations kept per entity: the refit window, 10 or more. Default 120.</summary>
    public int History { get; init; } = 120;

    /// <summary>Observations between an entity's refits, 1 or more. Default 30.</summary>
    public int RefitEvery { get; init; } = 30;

    /// <summary>Observations an entity needs before its first fit (its last value is forecast until then), 4 to <see cref="History"/>. Default 10.</summary>
    public int MinimumHistory { get; init; } = 10;

    /// <summary>Throws if a setting cannot work.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(History, 10);
        ArgumentOutOfRangeException.ThrowIfLessThan(RefitEvery, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumHistory, 4);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MinimumHistory, History);
    }
}

/// <summary>
/// Next-interval load forecasts for many entities (partitions, silos), updated online every interval and refitted on
/// a schedule. Each entity gets the seed model <c>Load(t) = a + b·Load(t−1) + c·Load(t−2)</c>, fitted by least
/// absolute deviations on its recent history and clamped to a plausible range.
/// </summary>
/// <remarks>
/// <para>
/// Least absolute deviations estimates the conditional median, which is robust to the bursts that loads are made of
/// (the learning benchmarks in <c>bench/results/forecast.json</c> show it beating least squares on bursty traces).
/// Per-interval loads of a partition are noisy counts; the fitted model then shrinks towards the entity's level
/// (<c>b + c &lt; 1</c>), which smooths the noise the last value would pass on.
/// </para>
/// <para>
/// Cheap by design, because a cluster may have 100,000 partitions: a forecast is a few multiplications, a refit
/// accumulates 3×3 normal equations straight from the entity's ring (no allocation), and refits are staggered by
/// each entity's own counter so a cycle never refits everything at once. <see cref="Version"/> counts refits, so
/// a view built from these forecasts can say which models produced it. Not thread-safe: one owner updates it.
/// </para>
/// </remarks>
public sealed class EntityLoadForecasts
{
    private const int ReweightingIterations = 8;

    // Weight of the newest error in the smoothed one-step errors that decide between model and last value
    // (about the last 10 intervals count).
    private const double ErrorSmoothing = 0.1;

    private readonly EntityForecastOptions _options;
    private readonly Dictionary<string, EntityModel> _entities = new(StringComparer.Ordinal);

    /// <summary>Creates an empty set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting in <paramref name="options"/> is out of range.</exception>
    public EntityLoadForecasts(EntityForecastOptions? options = null)
    {
        _options = options ?? new EntityForecastOptions();
        _options.Validate();
    }

    /// <summary>Entities tracked.</summary>
    public int Count => _entities.Count;

    /// <summary>Refits done so far, across entities: the version of the set of models.</summary>
    public long Version { get; private set; }

    /// <summary>The tracked entities.</summary>
    public IEnumerable<string> Entities => _entities.Keys;

    /// <summary>
    /// Records <paramref name="entity"/>'s load over the last interval. A missing reading (NaN, infinite or
    /// negative) is skipped, never taken as zero.
    /// </summary>
    public void Observe(string entity, double load)
    {
        ArgumentNullException.ThrowIfNull(entity);
        EntityModel? model = null;
        Observe(entity, ref model, load);
    }

    /// <summary>
    /// A handle on <paramref name="entity"/>'s forecast, for a caller that updates many entities every interval: it
    /// finds the entity's model once rather than at every call (at 100,000 partitions the look-ups by name cost
    /// more than the forecasts). The entity need not be tracked yet; its first observation starts it.
    /// </summary>
    public EntityForecast Track(string entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return new EntityForecast(this, entity);
    }

    /// <summary>Observes through a handle's cached model, finding or creating it when it is missing or was forgotten.</summary>
    internal void Observe(string entity, ref EntityModel? model, double load)
    {
        if (!double.IsFinite(load) || load < 0)
        {
            return;
        }

        if (model is null || model.Detached)
        {
            model = _entities.GetValueOrDefault(entity);
        }

        if (model is null)
        {
            // The hash of the name spreads the entities' refits over the refit period.
            var stagger = (int)((uint)StringComparer.Ordinal.GetHashCode(entity) % (uint)_options.RefitEvery);
            model = new EntityModel(_options.History, stagger);
            _entities[entity] = model;
        }

        model.Add(load);
        if (model.Count >= _options.MinimumHistory && ++model.SinceRefit >= _options.RefitEvery)
        {
            model.SinceRefit = 0;
            model.Refit();
            Version++;
        }
    }

    /// <summary>Refits <paramref name="entity"/>'s model now, off its schedule (tests; an operator's "retrain now").</summary>
    internal void Refit(string entity)
    {
        if (_entities.TryGetValue(entity, out var model) && model.Count >= _options.MinimumHistory)
        {
            model.SinceRefit = 0;
            model.Refit();
            Version++;
        }
    }

    /// <summary>The forecast of <paramref name="entity"/>'s load over the next interval, or null if it was never observed.</summary>
    public double? Predict(string entity)
        => _entities.TryGetValue(entity, out var model) ? model.Predict(1) : null;

    /// <summary>
    /// The forecast of <paramref name="entity"/>'s load <paramref name="steps"/> intervals ahead (iterating the
    /// model on its own forecasts), or null if it was never observed.
    /// </summary>
    public double? Predict(string entity, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        return _entities.TryGetValue(entity, out var model) ? model.Predict(steps) : null;
    }

    /// <summary>
    /// Fills <paramref name="forecasts"/> with <paramref name="entity"/>'s forecasts 1, 2, … intervals ahead (one
    /// look-up, one pass over the model); false, leaving it untouched, if the entity was never observed.
    /// </summary>
    public bool TryPredict(string entity, Span<double> forecasts)
    {
        ArgumentNullException.ThrowIfNull(entity);
        EntityModel? model = null;
        return TryPredict(entity, ref model, forecasts);
    }

    /// <summary>Predicts through a handle's cached model, finding it again when it is missing or was forgotten.</summary>
    internal bool TryPredict(string entity, ref EntityModel? model, Span<double> forecasts)
    {
        if (model is null || model.Detached)
        {
            model = _entities.GetValueOrDefault(entity);
            if (model is null)
            {
                return false;
            }
        }

        model.PredictPath(forecasts);
        return true;
    }

    /// <summary>The newest observation of <paramref name="entity"/>, or null if it was never observed.</summary>
    public double? Last(string entity) => _entities.TryGetValue(entity, out var model) ? model.Lag(1) : null;

    /// <summary>Stops tracking <paramref name="entity"/>.</summary>
    public bool Forget(string entity)
    {
        if (!_entities.Remove(entity, out var model))
        {
            return false;
        }

        model.Detached = true; // a handle holding it finds (or starts) a fresh model next time
        return true;
    }

    /// <summary>The fitted model of every entity, small enough to persist.</summary>
    public IReadOnlyList<EntityModelSnapshot> Snapshot()
    {
        var snapshots = new List<EntityModelSnapshot>(_entities.Count);
        foreach (var (entity, model) in _entities)
        {
            snapshots.Add(model.Snapshot(entity));
        }

        return snapshots;
    }

    /// <summary>
    /// Restores models saved by <see cref="Snapshot"/> (after a restart): each entity forecasts with its saved
    /// coefficients and last two values at once, and refits once it has gathered fresh history.
    /// </summary>
    /// <param name="snapshots">The saved models; entries with a non-finite number are skipped.</param>
    /// <param name="version">The <see cref="Version"/> to carry on from.</param>
    public void Restore(IEnumerable<EntityModelSnapshot> snapshots, long version)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        foreach (var snapshot in snapshots)
        {
            if (snapshot.Entity is null || !snapshot.IsValid)
            {
                continue;
            }

            var stagger = (int)((uint)StringComparer.Ordinal.GetHashCode(snapshot.Entity) % (uint)_options.RefitEvery);
            var model = new EntityModel(_options.History, stagger);
            model.Restore(snapshot);
            if (_entities.TryGetValue(snapshot.Entity, out var replaced))
            {
                replaced.Detached = true;
            }

            _entities[snapshot.Entity] = model;
        }

        Version = Math.Max(Version, version);
    }

    /// <summary>One entity's model (internal so that <see cref="EntityForecast"/> can hold it).</summary>
    internal sealed class EntityModel
    {
        private readonly double[] _values;
        private int _next;
        private double _a;
        private double _b = 1;
        private double _c;
        private double _ceiling = double.MaxValue;
        private double _fittedMin, _fittedMax;
        private bool _fitted;

        // Smoothed absolute one-step errors of the fitted model and of the last value, so the model is used only
        // while it beats the baseline on this entity's own recent data (NaN: no evidence yet).
        private double _modelError = double.NaN;
        private double _lastValueError = double.NaN;

        public EntityModel(int capacity, int stagger)
        {
            _values = new double[capacity];
            SinceRefit = stagger;
        }

        public int Count { get; private set; }

        public int SinceRefit { get; set; }

        /// <summary>Whether the set no longer holds this model (forgotten or replaced): handles must look again.</summary>
        public bool Detached { get; set; }

        /// <summary>Times the history was dropped because the load left the range the model was fitted on.</summary>
        public int RegimeChanges { get; private set; }

        public void Add(double value)
        {
            if (Count >= 2)
            {
                _lastValueError = Smooth(_lastValueError, Math.Abs(Lag(1) - value));
                if (_fitted)
                {
                    _modelError = Smooth(_modelError, Math.Abs(ModelForecast(1) - value));
                }
            }

            if (_fitted && OutsideFittedRegime(value))
            {
                // The load jumped far outside everything the model was fitted on (a hot key moved here, or went
                // away): that history describes another regime, and a fit on it would pull forecasts back there
                // for a whole refit period. Forget it: forecast the last value until a refit on the new regime.
                Count = 0;
                _next = 0;
                _fitted = false;
                _ceiling = double.MaxValue;
                SinceRefit = int.MaxValue / 2;
                _modelError = double.NaN;
                RegimeChanges++;
            }

            _values[_next] = value;
            _next = (_next + 1) % _values.Length;
            Count = Math.Min(Count + 1, _values.Length);
        }

        /// <summary>Whether the fitted model has done at least as well as the last value lately.</summary>
        public bool ModelInUse => _fitted && Count >= 2 && !(_modelError > _lastValueError);

        public double Predict(int steps) => ModelInUse ? ModelForecast(steps) : Lag(1);

        public void PredictPath(Span<double> forecasts)
        {
            var previous = Lag(1);
            if (!ModelInUse)
            {
                forecasts.Fill(previous);
                return;
            }

            var beforePrevious = Lag(2);
            for (var step = 0; step < forecasts.Length; step++)
            {
                var forecast = Math.Clamp(_a + _b * previous + _c * beforePrevious, 0, _ceiling);
                forecasts[step] = forecast;
                beforePrevious = previous;
                previous = forecast;
            }
        }

        private static double Smooth(double average, double error)
            => double.IsNaN(average) ? error : average + ErrorSmoothing * (error - average);

        private double ModelForecast(int steps)
        {
            var previous = Lag(1);
            var beforePrevious = Lag(2);
            var forecast = previous;
            for (var step = 0; step < steps; step++)
            {
                // The clamp keeps an explosive fit (b + c > 1 on a short window) from forecasting nonsense.
                forecast = Math.Clamp(_a + _b * previous + _c * beforePrevious, 0, _ceiling);
                beforePrevious = previous;
                previous = forecast;
            }

            return forecast;
        }

        /// <summary>Fits a, b, c by iteratively reweighted least squares (weights 1/|residual|) on the ring.</summary>
        public void Refit()
        {
            var rows = Count - 2;
            if (rows < 4)
            {
                return;
            }

            // The ring unrolled newest first: the fit reads every value 3 × 9 times, and reading through the ring's
            // wrap-around arithmetic took a quarter of the supervisor's cycle at 100,000 partitions (3,000+ refits).
            Span<double> history = Count <= 1024 ? stackalloc double[Count] : new double[Count];
            var index = _next;
            var max = 0.0;
            var min = double.MaxValue;
            for (var age = 0; age < Count; age++)
            {
                index = index == 0 ? _values.Length - 1 : index - 1;
                history[age] = _values[index];
                max = Math.Max(max, history[age]);
                min = Math.Min(min, history[age]);
            }

            double a = 0, b = 1, c = 0;
            var floor = Math.Max(max * 1e-4, 1e-9);
            for (var iteration = 0; iteration <= ReweightingIterations; iteration++)
            {
                // Normal equations of Σ w·(y − a − b·x1 − c·x2)², the first pass unweighted.
                double s00 = 0, s01 = 0, s02 = 0, s11 = 0, s12 = 0, s22 = 0, t0 = 0, t1 = 0, t2 = 0;
                for (var age = 0; age < rows; age++)
                {
                    var y = history[age];
                    var x1 = history[age + 1];
                    var x2 = history[age + 2];
                    var w = iteration == 0 ? 1 : 1 / Math.Max(Math.Abs(y - a - b * x1 - c * x2), floor);
                    s00 += w;
                    s01 += w * x1;
                    s02 += w * x2;
                    s11 += w * x1 * x1;
                    s12 += w * x1 * x2;
                    s22 += w * x2 * x2;
                    t0 += w * y;
                    t1 += w * x1 * y;
                    t2 += w * x2 * y;
                }

                // A small ridge on the slopes keeps a flat history (x1 ≡ x2) solvable.
                var ridge = 1e-6 * (s11 + s22 + 1);
                if (!Solve3(s00, s01, s02, s11 + ridge, s12, s22 + ridge, t0, t1, t2, out var na, out var nb, out var nc))
                {
                    break;
                }

                (a, b, c) = (na, nb, nc);
            }

            if (double.IsFinite(a) && double.IsFinite(b) && double.IsFinite(c))
            {
                (_a, _b, _c) = (a, b, c);
                _ceiling = 1.5 * max + 1e-9;
                _fittedMax = max;
                _fittedMin = min;
                _fitted = true;
            }
        }

        /// <summary>
        /// Whether <paramref name="value"/> lies beyond the fitted window's range widened by half its span on each
        /// side (and by 5% of its maximum, so a flat window is not left at the first wobble).
        /// </summary>
        private bool OutsideFittedRegime(double value)
        {
            var margin = 0.5 * (_fittedMax - _fittedMin) + 0.05 * _fittedMax + 1e-9;
            return value > _fittedMax + margin || value < _fittedMin - margin;
        }

        public EntityModelSnapshot Snapshot(string entity)
            => new(entity, _fitted, _a, _b, _c, _ceiling, Lag(2), Lag(1));

        public void Restore(EntityModelSnapshot snapshot)
        {
            Add(snapshot.BeforeLast);
            Add(snapshot.Last);
            (_a, _b, _c, _ceiling, _fitted) = (snapshot.A, snapshot.B, snapshot.C, snapshot.Ceiling, snapshot.Fitted);
            // The snapshot keeps the ceiling (1.5 × the fitted maximum) but not the minimum: assume the widest range.
            (_fittedMin, _fittedMax) = (0, double.IsFinite(snapshot.Ceiling) ? snapshot.Ceiling / 1.5 : double.MaxValue / 4);
        }

        public double Lag(int lag) => Value(Math.Min(lag, Count) - 1);

        // age 0 = the newest value
        private double Value(int age) => _values[((_next - 1 - age) % _values.Length + _values.Length) % _values.Length];

        private static bool Solve3(
            double m00, double m01, double m02, double m11, double m12, double m22,
            double r0, double r1, double r2,
            out double x0, out double x1, out double x2)
        {
            // Symmetric 3×3 by Cramer's rule: exact enough for the well-scaled systems above, and allocation-free.
            var c00 = m11 * m22 - m12 * m12;
            var c01 = m02 * m12 - m01 * m22;
            var c02 = m01 * m12 - m02 * m11;
            var determinant = m00 * c00 + m01 * c01 + m02 * c02;
            if (!double.IsFinite(determinant) || Math.Abs(determinant) < 1e-300)
            {
                x0 = x1 = x2 = 0;
                return false;
            }

            var c11 = m00 * m22 - m02 * m02;
            var c12 = m01 * m02 - m00 * m12;
            var c22 = m00 * m11 - m01 * m01;
            x0 = (c00 * r0 + c01 * r1 + c02 * r2) / determinant;
            x1 = (c01 * r0 + c11 * r1 + c12 * r2) / determinant;
            x2 = (c02 * r0 + c12 * r1 + c22 * r2) / determinant;
            return true;
        }
    }
}

/// <summary>One entity's fitted load model, as <see cref="EntityLoadForecasts.Snapshot"/> saves it.</summary>
/// <param name="Entity">The entity's name.</param>
/// <param name="Fitted">Whether the coefficients come from a fit (otherwise the last value is forecast).</param>
/// <param name="A">Intercept.</param>
/// <param name="B">Weight of the last value.</param>
/// <param name="C">Weight of the value before it.</param>
/// <param name="Ceiling">Upper clamp of forecasts (1.5 × the largest value of the fitted window).</param>
/// <param name="BeforeLast">The value before the last.</param>
/// <param name="Last">The last value.</param>
public sealed record EntityModelSnapshot(string Entity, bool Fitted, double A, double B, double C, double Ceiling, double BeforeLast, double Last)
{
    /// <summary>Whether every number is usable.</summary>
    public bool IsValid
        => double.IsFinite(A) && double.IsFinite(B) && double.IsFinite(C) && double.IsFinite(Ceiling) && Ceiling >= 0
           && double.IsFinite(BeforeLast) && BeforeLast >= 0 && double.IsFinite(Last) && Last >= 0;
}

/// <summary>
/// A handle on one entity's forecast in an <see cref="EntityLoadForecasts"/> (from
/// <see cref="EntityLoadForecasts.Track"/>): the same operations as the set's, without looking the entity up by
/// name each time. It stays valid when the entity is forgotten or restored: it then finds the current model.
/// </summary>
public sealed class EntityForecast
{
    private readonly EntityLoadForecasts _owner;
    private EntityLoadForecasts.EntityModel? _model;

    internal EntityForecast(EntityLoadForecasts owner, string entity)
    {
        _owner = owner;
        Entity = entity;
    }

    /// <summary>The entity.</summary>
    public string Entity { get; }

    /// <summary>Same as <see cref="EntityLoadForecasts.Observe(string, double)"/> for this entity.</summary>
    public void Observe(double load) => _owner.Observe(Entity, ref _model, load);

    /// <summary>Same as <see cref="EntityLoadForecasts.TryPredict(string, Span{double})"/> for this entity.</summary>
    public bool TryPredict(Span<double> forecasts) => _owner.TryPredict(Entity, ref _model, forecasts);
}
