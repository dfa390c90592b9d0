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

    /// <summary>Consecutive calm readings that clear the alarm. Default 30.</summary>
    public int ClearCount { get; init; } = 30;

    /// <summary>Add each metric's deviation and change in units of its recent standard deviation. Default false.</summary>
    public bool ScaleFreeFeatures { get; init; }

    /// <summary>How the scores of several models are combined. Default <see cref="ScoreCombination.Max"/>.</summary>
    public ScoreCombination Combination { get; init; } = ScoreCombination.Max;

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

/// <summary>What the detector made of one reading.</summary>
/// <param name="Row">The reading's position in the stream, from 0.</param>
/// <param name="RawScore">The (first) model's raw score (NaN before the first model).</param>
/// <param name="Score">The calibrated score in [0, 1] (log-likelihood; 0 before the first model).</param>
/// <param name="InAlarm">Whether the alarm is on after this reading.</param>
/// <param name="AlarmStarted">Whether this reading raised the alarm.</param>
/// <param name="TopFeatures">The features that contributed most, while the alarm is on; empty otherwise.</param>
public sealed record AnomalyVerdict(long Row, double RawScore, double Score, bool InAlarm, bool AlarmStarted, IReadOnlyList<FeatureContribution> TopFeatures);

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
/// <item>Raw scores are calibrated into a likelihood (<see cref="AnomalyLikelihood"/>).</item>
/// <item>An alarm needs k of n high scores and clears after sustained calm (<see cref="AlarmHysteresis"/>); while it
/// is on, each verdict names the top contributing features.</item>
/// </list>
/// </remarks>
public sealed class StreamingAnomalyDetector : IStreamingDetector
{
    private readonly IReadOnlyList<IOutlierModelTrainer> _trainers;
    private readonly StreamingDetectorOptions _options;
    private readonly WindowFeatures _features;
    private readonly Queue<double[]> _training = new();
    private readonly AnomalyLikelihood[] _likelihoods;
    private readonly AlarmHysteresis _alarm;
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
    public StreamingAnomalyDetector(IReadOnlyList<string> metrics, IReadOnlyList<IOutlierModelTrainer> trainers, StreamingDetectorOptions? options = null)
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

    /// <summary>Scores the next reading (one value per metric; NaN for a missing one).</summary>
    public AnomalyVerdict Observe(ReadOnlySpan<double> values)
    {
        _row++;
        var features = _features.Add(values);
        if (features is null)
        {
            return new AnomalyVerdict(_row, double.NaN, 0, false, false, []);
        }

        if (_models is null)
        {
            Remember(features);
            if (_row + 1 >= _options.ProbationRows && _training.Count >= 10)
            {
                Train();
            }

            return new AnomalyVerdict(_row, double.NaN, 0, false, false, []);
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
        return new AnomalyVerdict(_row, raw, score, _alarm.IsOn, started, top);
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
        _models = _trainers.Select(t => t.Fit(data)).ToArray();
        _scaler = RobustScaler.Fit(data);
        _lastTrained = _row;
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
