using Orleans.Adaptive.Learning.Features;

namespace Orleans.Adaptive.Learning.Anomaly;

/// <summary>Settings of a <see cref="StreamingAnomalyDetector"/>.</summary>
public sealed record StreamingDetectorOptions
{
    /// <summary>Readings before the first model is trained (nothing is flagged before). Default 750 (NAB's probation for long files).</summary>
    public int ProbationRows { get; init; } = 750;

    /// <summary>Readings between retrainings. Default 500.</summary>
    public int RetrainEvery { get; init; } = 500;

    /// <summary>Most recent unflagged feature vectors kept to retrain on. Default 2000.</summary>
    public int TrainingWindow { get; init; } = 2000;

    /// <summary>Short window of the features (volatility, trend). Default 10.</summary>
    public int ShortWindow { get; init; } = 10;

    /// <summary>Long window of the features (deviation from the recent mean). Default 60.</summary>
    public int LongWindow { get; init; } = 60;

    /// <summary>Raw-score history of the likelihood calibration. Default 2000.</summary>
    public int LikelihoodHistory { get; init; } = 2000;

    /// <summary>Raw scores averaged in the likelihood's short average. Default 5.</summary>
    public int LikelihoodWindow { get; init; } = 5;

    /// <summary>Estimate the likelihood's score distribution by median and MAD (robust to earlier anomalies). Default false.</summary>
    public bool RobustLikelihood { get; init; }

    /// <summary>
    /// Score (log-likelihood) at or above which a reading counts towards an alarm. Default 0.8 (L ≥ 1 − 10⁻⁸), chosen on
    /// NAB's realTweets files (see bench/README).
    /// </summary>
    public double AlarmThreshold { get; init; } = 0.8;

    /// <summary>High readings needed among the last <see cref="EnterWindow"/> to raise the alarm. Default 1.</summary>
    public int EnterCount { get; init; } = 1;

    /// <summary>Window of <see cref="EnterCount"/>. Default 1.</summary>
    public int EnterWindow { get; init; } = 1;

    /// <summary>Score below which a reading counts as calm. Default 0.2.</summary>
    public double ClearThreshold { get; init; } = 0.2;

    /// <summary>Consecutive calm readings that clear the alarm. Default 100 (chosen with <see cref="AlarmThreshold"/>).</summary>
    public int ClearCount { get; init; } = 100;

    /// <summary>Add each metric's deviation and change in units of its recent standard deviation. Default false.</summary>
    public bool ScaleFreeFeatures { get; init; }

    /// <summary>How the scores of several models are combined. Default <see cref="ScoreCombination.Max"/>.</summary>
    public ScoreCombination Combination { get; init; } = ScoreCombination.Max;

    /// <summary>Time between readings, used to turn trends into times to exhaustion. Default 5 s.</summary>
    public TimeSpan ReadingInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Readings of a limited metric its trend is fitted to. Default 60.</summary>
    public int ExhaustionWindow { get; init; } = 60;

    /// <summary>A limited metric whose trend reaches its limit within this time gets an exhaustion warning. Default 15 minutes.</summary>
    public TimeSpan ExhaustionHorizon { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Top contributing features reported with an alarm. Default 3.</summary>
    public int TopFeatures { get; init; } = 3;

    /// <summary>Throws if a setting cannot work.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ProbationRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetrainEvery, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(TrainingWindow, 10);
        ArgumentOutOfRangeException.ThrowIfLessThan(ShortWindow, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(LongWindow, ShortWindow);
        ArgumentOutOfRangeException.ThrowIfLessThan(TopFeatures, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(ExhaustionWindow, 3);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReadingInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ExhaustionHorizon, TimeSpan.Zero);
    }
}

/// <summary>How a detector with several models combines their calibrated scores.</summary>
public enum ScoreCombination
{
    /// <summary>The mean: each model's opinion counts equally.</summary>
    Mean,

    /// <summary>The highest: any model can raise an alarm (more sensitive).</summary>
    Max,

    /// <summary>The lowest: every model must agree (fewer false alarms).</summary>
    Min,
}

/// <summary>One feature's part in an alarm.</summary>
/// <param name="Feature">The feature, <c>metric.feature</c>.</param>
/// <param name="Value">Its value at the reading.</param>
/// <param name="Share">Its share of the model's explanation (0–1).</param>
/// <param name="RobustZ">How far it is from its training median, in robust standard deviations.</param>
public sealed record FeatureContribution(string Feature, double Value, double Share, double RobustZ);

/// <summary>A metric heading for its limit.</summary>
/// <param name="Metric">The metric.</param>
/// <param name="Limit">Its limit.</param>
/// <param name="TimeToLimit">When it will reach the limit at its recent (Theil–Sen) trend.</param>
public sealed record ExhaustionWarning(string Metric, double Limit, TimeSpan TimeToLimit);

/// <summary>What the detector made of one reading.</summary>
/// <param name="Row">The reading's position in the stream, from 0.</param>
/// <param name="RawScore">The (first) model's raw score (NaN before the first model).</param>
/// <param name="Score">The calibrated score in [0, 1] (log-likelihood; 0 before the first model).</param>
/// <param name="InAlarm">Whether the alarm is on after this reading.</param>
/// <param name="AlarmStarted">Whether this reading raised the alarm.</param>
/// <param name="TopFeatures">The features that contributed most, while the alarm is on; empty otherwise.</param>
/// <param name="Exhaustion">Limited metrics whose trend reaches their limit within the horizon; empty when none.</param>
public sealed record AnomalyVerdict(long Row, double RawScore, double Score, bool InAlarm, bool AlarmStarted, IReadOnlyList<FeatureContribution> TopFeatures, IReadOnlyList<ExhaustionWarning>? Exhaustion = null)
{
    /// <summary>Whether any limited metric is heading for its limit within the horizon.</summary>
    public bool ExhaustionImminent => Exhaustion is { Count: > 0 };
}

/// <summary>
/// Streaming anomaly detection for one entity (a silo, a series): each reading is scored using only the past.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>Readings become window features (<see cref="WindowFeatures"/>).</item>
/// <item>After <see cref="StreamingDetectorOptions.ProbationRows"/> readings an outlier model (Isolation Forest,
/// randomized PCA, …) is trained on them, then retrained every <see cref="StreamingDetectorOptions.RetrainEvery"/>
/// readings on the most recent readings that were not flagged, so it follows slow drift without learning the
/// anomalies.</item>
/// <item>Raw scores are calibrated into a likelihood (<see cref="AnomalyLikelihood"/>); each retraining recalibrates
/// from the new model's scores of the recent readings, because a new model scores on its own scale.</item>
/// <item>An alarm needs k of n high scores and clears after sustained calm (<see cref="AlarmHysteresis"/>); while it
/// is on, each verdict names the top contributing features.</item>
/// <item>Metrics with a limit (memory, queue capacity) get a trend extrapolation every reading: a warning when they
/// will reach the limit within <see cref="StreamingDetectorOptions.ExhaustionHorizon"/> (<see cref="ResourceExhaustion"/>).</item>
/// </list>
/// </remarks>
public sealed class StreamingAnomalyDetector : IStreamingDetector
{
    private readonly IReadOnlyList<IOutlierModelTrainer> _trainers;
    private readonly StreamingDetectorOptions _options;
    private readonly WindowFeatures _features;
    private readonly Queue<double[]> _training = new();
    private readonly Queue<double[]> _recent = new();
    private readonly AnomalyLikelihood[] _likelihoods;
    private readonly AlarmHysteresis _alarm;
    private readonly (int Index, string Metric, double Limit, RollingWindow Recent)[] _limited;
    private IOutlierModel[]? _models;
    private RobustScaler? _scaler;
    private long _row = -1;
    private long _lastTrained;

    /// <summary>Creates a detector for readings of <paramref name="metrics"/> with one model.</summary>
    public StreamingAnomalyDetector(IReadOnlyList<string> metrics, IOutlierModelTrainer trainer, StreamingDetectorOptions? options = null)
        : this(metrics, [trainer ?? throw new ArgumentNullException(nameof(trainer))], options)
    {
    }

    /// <summary>
    /// Creates a detector whose models each score every reading; their calibrated scores are combined as
    /// <see cref="StreamingDetectorOptions.Combination"/> says (one model a second opinion on another).
    /// </summary>
    /// <param name="metrics">The metrics of each reading, in order.</param>
    /// <param name="trainers">The models.</param>
    /// <param name="options">Settings.</param>
    /// <param name="limits">Limits of metrics that can run out (e.g. memory used against memory available), by name.</param>
    public StreamingAnomalyDetector(IReadOnlyList<string> metrics, IReadOnlyList<IOutlierModelTrainer> trainers, StreamingDetectorOptions? options = null, IReadOnlyDictionary<string, double>? limits = null)
    {
        ArgumentNullException.ThrowIfNull(trainers);
        if (trainers.Count == 0)
        {
            throw new ArgumentException("A detector needs at least one model.", nameof(trainers));
        }

        _options = options ?? new StreamingDetectorOptions();
        _options.Validate();
        _trainers = trainers;
        _features = new WindowFeatures(metrics, _options.ShortWindow, _options.LongWindow, _options.ScaleFreeFeatures);
        _likelihoods = trainers.Select(_ => new AnomalyLikelihood(_options.LikelihoodHistory, _options.LikelihoodWindow, _options.RobustLikelihood)).ToArray();
        var unknown = limits?.Keys.Where(k => !metrics.Contains(k)).ToList() ?? [];
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Limits name metrics the detector does not have: {string.Join(", ", unknown)}.", nameof(limits));
        }

        _limited = (limits ?? new Dictionary<string, double>())
            .Select(l => (Index: IndexOf(metrics, l.Key), Metric: l.Key, Limit: l.Value, Recent: new RollingWindow(_options.ExhaustionWindow)))
            .ToArray();
        _alarm = new AlarmHysteresis(_options.AlarmThreshold, _options.EnterCount, _options.EnterWindow, Math.Min(_options.ClearThreshold, _options.AlarmThreshold), _options.ClearCount);
    }

    /// <summary>The models' names, joined with '+'.</summary>
    public string ModelName => string.Join("+", _trainers.Select(static t => t.Name));

    /// <summary>The feature names, in vector order.</summary>
    public IReadOnlyList<string> FeatureNames => _features.Names;

    /// <summary>The current models, null during probation.</summary>
    public IReadOnlyList<IOutlierModel>? Models => _models;

    /// <summary>Times the model was (re)trained.</summary>
    public int Trainings { get; private set; }

    /// <summary>
    /// The last training that failed, if any: the detector then keeps its previous models (or stays in probation)
    /// and tries again at the next retraining, rather than failing the caller.
    /// </summary>
    public Exception? LastTrainingError { get; private set; }

    /// <summary>Scores the next reading (one value per metric; NaN for a missing one).</summary>
    public AnomalyVerdict Observe(ReadOnlySpan<double> values)
    {
        _row++;
        var exhaustion = Extrapolate(values);
        var features = _features.Add(values);
        if (features is null)
        {
            return new AnomalyVerdict(_row, double.NaN, 0, false, false, [], exhaustion);
        }

        _recent.Enqueue(features);
        while (_recent.Count > _options.LikelihoodHistory)
        {
            _recent.Dequeue();
        }

        if (_models is null)
        {
            Remember(features);
            if (_row + 1 >= _options.ProbationRows && _training.Count >= 10)
            {
                Train();
            }

            return new AnomalyVerdict(_row, double.NaN, 0, false, false, [], exhaustion);
        }

        var raws = new double[_models.Length];
        var scores = new double[_models.Length];
        for (var m = 0; m < _models.Length; m++)
        {
            raws[m] = _models[m].Score(features);
            scores[m] = _likelihoods[m].Add(raws[m]);
        }

        var score = _options.Combination switch
        {
            ScoreCombination.Max => scores.Max(),
            ScoreCombination.Min => scores.Min(),
            _ => scores.Average(),
        };
        var raw = raws[0];
        var started = _alarm.Add(score);
        if (!_alarm.IsOn && score < _options.ClearThreshold)
        {
            Remember(features);
        }

        if (_row - _lastTrained >= _options.RetrainEvery)
        {
            Train();
        }

        var top = _alarm.IsOn ? Explain(features, _models[Array.IndexOf(scores, scores.Max())]) : [];
        return new AnomalyVerdict(_row, raw, score, _alarm.IsOn, started, top, exhaustion);
    }

    private static int IndexOf(IReadOnlyList<string> metrics, string metric)
    {
        for (var i = 0; i < metrics.Count; i++)
        {
            if (metrics[i] == metric)
            {
                return i;
            }
        }

        return -1;
    }

    private List<ExhaustionWarning>? Extrapolate(ReadOnlySpan<double> values)
    {
        List<ExhaustionWarning>? warnings = null;
        foreach (var (index, metric, limit, recent) in _limited)
        {
            if (double.IsFinite(values[index]))
            {
                recent.Add(values[index]);
            }

            if (!recent.IsFull)
            {
                continue;
            }

            var history = new double[recent.Count];
            for (var i = 0; i < history.Length; i++)
            {
                history[i] = recent[history.Length - 1 - i];
            }

            if (ResourceExhaustion.TimeUntilExhausted(history, _options.ReadingInterval, limit) is { } eta && eta <= _options.ExhaustionHorizon)
            {
                (warnings ??= []).Add(new ExhaustionWarning(metric, limit, eta));
            }
        }

        return warnings;
    }

    private void Remember(double[] features)
    {
        _training.Enqueue(features);
        while (_training.Count > _options.TrainingWindow)
        {
            _training.Dequeue();
        }
    }

    private void Train()
    {
        var data = _training.ToList();
        _lastTrained = _row;
        IOutlierModel[] models;
        try
        {
            models = _trainers.Select(t => t.Fit(data)).ToArray();
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or ArithmeticException)
        {
            LastTrainingError = exception;
            return;
        }

        _models = models;
        _scaler = RobustScaler.Fit(data);

        // A new model scores on its own scale: recalibrate from its scores of all recent readings, or the shift alone
        // would look like an anomaly. All of them, flagged or not: the training data leaves out the borderline ones,
        // and calibrating on it alone would make ordinary readings look alarming.
        for (var m = 0; m < _models.Length; m++)
        {
            var model = _models[m];
            _likelihoods[m].Reset(_recent.Select(features => model.Score(features)));
        }
        Trainings++;
    }

    private List<FeatureContribution> Explain(double[] features, IOutlierModel model)
    {
        if (_options.TopFeatures == 0 || _scaler is null)
        {
            return [];
        }

        var shares = model.Contributions(features);
        var z = _scaler.Transform(features);
        return Enumerable.Range(0, features.Length)
            .OrderByDescending(i => shares[i])
            .ThenByDescending(i => Math.Abs(z[i]))
            .Take(_options.TopFeatures)
            .Select(i => new FeatureContribution(_features.Names[i], features[i], shares[i], z[i]))
            .ToList();
    }
}
