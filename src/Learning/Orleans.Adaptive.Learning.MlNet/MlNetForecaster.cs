using Microsoft.ML;
using Microsoft.ML.Data;
using Orleans.Adaptive.Learning.Features;

namespace Orleans.Adaptive.Learning.Forecasting;

/// <summary>The ML.NET regression trainer behind an <see cref="MlNetForecaster"/>.</summary>
public enum MlNetTrainer
{
    /// <summary>Gradient-boosted trees (MART).</summary>
    FastTree,

    /// <summary>A random forest of regression trees.</summary>
    FastForest,

    /// <summary>A linear model trained by stochastic dual coordinate ascent.</summary>
    Sdca,
}

/// <summary>
/// An ML.NET regression model over lag, seasonal, rolling and calendar features, predicting the next value.
/// </summary>
/// <remarks>
/// Features: the last <see cref="RecentLags"/> values, last season's value and its neighbour for each seasonal
/// period, the mean and spread of the last <see cref="RecentLags"/> values, and the time of day and day of week (or,
/// without timestamps, the phase within the main season). The model is trained once; <see cref="IForecaster.Observe"/>
/// only moves its inputs forward. Multi-step forecasts feed predictions back as inputs.
/// </remarks>
public sealed class MlNetForecaster : ForecasterBase
{
    /// <summary>Recent values used as features.</summary>
    public const int RecentLags = 12;

    /// <summary>Rows used for training: the most recent ones.</summary>
    public const int MaxTrainingRows = 20_000;

    private readonly MlNetTrainer _trainer;
    private readonly int _seed;
    private readonly int[] _seasonalLags;
    private readonly int _width;
    private readonly MLContext _ml;
    private readonly SchemaDefinition _schema;
    private PredictionEngine<FeatureRow, Prediction>? _engine;
    private ITransformer? _model;
    private bool _useCalendar;

    /// <summary>Creates the forecaster.</summary>
    public MlNetForecaster(SeriesContext context, MlNetTrainer trainer = MlNetTrainer.FastTree, int seed = 1)
        : base(context, Math.Max(RecentLags, context.Periods.Count == 0 ? 1 : context.Periods.Max() + 1))
    {
        _trainer = trainer;
        _seed = seed;
        _seasonalLags = context.Periods.SelectMany(static p => new[] { p, p + 1 }).Distinct().ToArray();
        _width = RecentLags + _seasonalLags.Length + 2 + CalendarFeatures.Count;
        _ml = new MLContext(seed);
        _schema = SchemaDefinition.Create(typeof(FeatureRow));
        _schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, _width);
    }

    /// <inheritdoc />
    protected override string ModelName => $"mlnet-{_trainer.ToString().ToLowerInvariant()}";

    /// <summary>The trained ML.NET model (for persistence).</summary>
    internal ITransformer? Model => _model;

    /// <summary>The input schema of <see cref="Model"/>.</summary>
    internal DataViewSchema? ModelInputSchema { get; private set; }

    /// <inheritdoc />
    protected override void FitCore(double[] values, DateTime[]? times)
    {
        _useCalendar = times is not null && Context.Step is not null;
        var maxLag = Math.Max(RecentLags, _seasonalLags.Length == 0 ? 1 : _seasonalLags.Max());
        var start = Math.Max(maxLag, values.Length - MaxTrainingRows);
        var rows = new List<FeatureRow>(Math.Max(0, values.Length - start));
        for (var t = start; t < values.Length; t++)
        {
            var features = new float[_width];
            Write(index => values[t - index], t, times?[t], features);
            rows.Add(new FeatureRow { Features = features, Label = (float)values[t] });
        }

        if (rows.Count < 50)
        {
            throw new InvalidOperationException($"{Name} needs at least {maxLag + 50} values to train on (got {values.Length}).");
        }

        var data = _ml.Data.LoadFromEnumerable(rows, _schema);
        IEstimator<ITransformer> estimator = _trainer switch
        {
            MlNetTrainer.FastForest => _ml.Regression.Trainers.FastForest(numberOfLeaves: 32, numberOfTrees: 100, minimumExampleCountPerLeaf: 10),
            MlNetTrainer.Sdca => _ml.Transforms.NormalizeMeanVariance(nameof(FeatureRow.Features)).Append(_ml.Regression.Trainers.Sdca(maximumNumberOfIterations: 50)),
            _ => _ml.Regression.Trainers.FastTree(numberOfLeaves: 32, numberOfTrees: 100, minimumExampleCountPerLeaf: 10, learningRate: 0.1),
        };
        _model = estimator.Fit(data);
        ModelInputSchema = data.Schema;
        _engine = _ml.Model.CreatePredictionEngine<FeatureRow, Prediction>(_model, inputSchemaDefinition: _schema);
    }

    /// <summary>Restores a trained model (for persistence).</summary>
    internal void SetModel(ITransformer model, bool useCalendar)
    {
        _model = model;
        _useCalendar = useCalendar;
        _engine = _ml.Model.CreatePredictionEngine<FeatureRow, Prediction>(model, inputSchemaDefinition: _schema);
    }

    /// <summary>Whether the model was trained with calendar features (rather than the phase in the main season).</summary>
    internal bool UsesCalendar => _useCalendar;

    /// <inheritdoc />
    protected override double Predict(Lags lags, long index, DateTime? time)
    {
        if (_engine is null)
        {
            throw new InvalidOperationException($"{Name} must be fitted before it forecasts.");
        }

        var features = new float[_width];
        var snapshot = new double[Math.Max(RecentLags, _seasonalLags.Length == 0 ? 1 : _seasonalLags.Max()) + 1];
        for (var lag = 1; lag < snapshot.Length; lag++)
        {
            snapshot[lag] = lags[lag];
        }

        Write(lag => snapshot[lag], index, time, features);
        var score = _engine.Predict(new FeatureRow { Features = features }).Score;
        return float.IsFinite(score) ? score : snapshot[1];
    }

    private void Write(Func<int, double> lag, long index, DateTime? time, float[] features)
    {
        var i = 0;
        double sum = 0, sumOfSquares = 0;
        for (var k = 1; k <= RecentLags; k++)
        {
            var value = lag(k);
            features[i++] = (float)value;
            sum += value;
            sumOfSquares += value * value;
        }

        foreach (var seasonal in _seasonalLags)
        {
            features[i++] = (float)lag(seasonal);
        }

        var mean = sum / RecentLags;
        features[i++] = (float)mean;
        features[i++] = (float)Math.Sqrt(Math.Max(0, sumOfSquares / RecentLags - mean * mean));
        Span<double> calendar = stackalloc double[CalendarFeatures.Count];
        if (_useCalendar && time is { } t)
        {
            CalendarFeatures.Write(t, calendar);
        }
        else if (Context.PrimaryPeriod is { } period)
        {
            CalendarFeatures.WritePhase(index, period, calendar);
        }

        foreach (var value in calendar)
        {
            features[i++] = (float)value;
        }
    }

    /// <summary>One training or prediction row.</summary>
    public sealed class FeatureRow
    {
        /// <summary>The feature vector.</summary>
        public float[] Features { get; set; } = [];

        /// <summary>The value to predict.</summary>
        public float Label { get; set; }
    }

    /// <summary>ML.NET's output row.</summary>
    public sealed class Prediction
    {
        /// <summary>The predicted value.</summary>
        public float Score { get; set; }
    }
}
