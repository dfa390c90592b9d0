using Orleans.Adaptive.Learning.Numerics;

namespace Orleans.Adaptive.Learning.Forecasting;

/// <summary>How a linear model's coefficients are fitted.</summary>
public enum RegressionLoss
{
    /// <summary>Least squares: forecasts the conditional mean.</summary>
    Squares,

    /// <summary>Least absolute deviations: forecasts the conditional median, which minimises absolute error.</summary>
    Absolute,
}

/// <summary>A transformation applied to a series before a linear model sees it.</summary>
public enum ValueTransform
{
    /// <summary>The values as they are.</summary>
    None,

    /// <summary>
    /// log(1 + x), for non-negative series whose noise grows with their level (counts). A median fitted on this
    /// scale maps back to the median on the original scale, since the transformation is monotone.
    /// </summary>
    Log1p,
}

/// <summary>
/// A linear autoregression <c>x(t) = a + Σ bₖ·x(t−k)</c> over a <see cref="LagSet"/>, fitted once on the history.
/// </summary>
/// <remarks>
/// With lags {1, 2} and least squares this is the project's seed model, <c>Load(t) = a + b·Req(t−1) + c·Req(t−2)</c>
/// (<see cref="Ar2"/>). Longer lag sets with seasonal lags make it an AR(p) with seasonal terms.
/// </remarks>
public sealed class AutoRegressiveForecaster : ForecasterBase
{
    /// <summary>Rows used for fitting, the most recent ones; enough for stable coefficients, bounded for speed.</summary>
    public const int MaxTrainingRows = 50_000;

    private readonly LagSet _lags;
    private readonly RegressionLoss _loss;
    private readonly ValueTransform _transform;
    private readonly string? _name;
    private double[] _coefficients = [];
    private double[]? _snapshot;
    private double[]? _scratch;

    /// <summary>Creates the model.</summary>
    public AutoRegressiveForecaster(SeriesContext context, LagSet lags, RegressionLoss loss = RegressionLoss.Squares, string? name = null, ValueTransform transform = ValueTransform.None)
        : base(context, (lags ?? throw new ArgumentNullException(nameof(lags))).MaxLag)
    {
        if (transform == ValueTransform.Log1p && !context.IsNonNegative)
        {
            throw new ArgumentException("The log1p transform needs a non-negative series.", nameof(transform));
        }

        _lags = lags;
        _loss = loss;
        _transform = transform;
        _name = name;
    }

    /// <inheritdoc />
    protected override string ModelName => _name ?? $"{(_loss == RegressionLoss.Absolute ? "lad-" : string.Empty)}ar({_lags.Describe()}){(_transform == ValueTransform.Log1p ? "-log" : string.Empty)}";

    /// <inheritdoc />
    protected override bool ForecastsMedian => _loss == RegressionLoss.Absolute;

    /// <summary>The lags regressed on.</summary>
    public LagSet LagSet => _lags;

    /// <summary>How the coefficients are fitted.</summary>
    public RegressionLoss Loss => _loss;

    /// <summary>The transformation applied before fitting.</summary>
    public ValueTransform Transform => _transform;

    /// <summary>The fitted coefficients: the intercept, then one per feature (lags, then median windows).</summary>
    public IReadOnlyList<double> Coefficients => _coefficients;

    /// <summary>The seed model: <c>a + b·x(t−1) + c·x(t−2)</c> by least squares.</summary>
    public static AutoRegressiveForecaster Ar2(SeriesContext context) => new(context, new LagSet(2, []), RegressionLoss.Squares, "ar2");

    /// <summary>Restores a fitted model (for persistence); call <see cref="ForecasterBase.Fit"/> or feed history before forecasting.</summary>
    internal void SetCoefficients(double[] coefficients)
    {
        if (coefficients.Length != _lags.FeatureCount + 1)
        {
            throw new ArgumentException($"Expected {_lags.FeatureCount + 1} coefficients, got {coefficients.Length}.", nameof(coefficients));
        }

        _coefficients = coefficients;
    }

    /// <inheritdoc />
    protected override void FitCore(double[] values, DateTime[]? times)
    {
        values = _transform == ValueTransform.Log1p ? values.Select(static v => Math.Log(1 + Math.Max(0, v))).ToArray() : values;
        var maxLag = _lags.MaxLag;
        var start = Math.Max(maxLag, values.Length - MaxTrainingRows);
        var rows = new List<double[]>(Math.Max(0, values.Length - start));
        var targets = new List<double>(rows.Capacity);
        var scratch = new double[maxLag + 1];
        for (var t = start; t < values.Length; t++)
        {
            var row = new double[_lags.FeatureCount + 1];
            row[0] = 1;
            var target = t;
            _lags.Write(k => values[target - k], row.AsSpan(1), scratch);
            rows.Add(row);
            targets.Add(values[t]);
        }

        if (rows.Count < _lags.FeatureCount + 2)
        {
            // Too little history for the lags: fall back to the mean (intercept only).
            _coefficients = new double[_lags.FeatureCount + 1];
            _coefficients[0] = values.Average();
            return;
        }

        _coefficients = _loss == RegressionLoss.Absolute
            ? LeastSquares.SolveLeastAbsolute(rows, targets)
            : LeastSquares.Solve(rows, targets);
    }

    /// <inheritdoc />
    protected override double Predict(Lags lags, long index, DateTime? time)
    {
        // Predictions are the hot path (every partition, every interval): reuse the buffers and read only the lags
        // the model uses, not every value back to the longest seasonal lag.
        var snapshot = _snapshot ??= new double[_lags.MaxLag + 1];
        var scratch = _scratch ??= new double[_lags.MaxLag + 1];
        foreach (var k in _lags.LagsRead)
        {
            var value = lags[k];
            snapshot[k] = _transform == ValueTransform.Log1p ? Math.Log(1 + Math.Max(0, value)) : value;
        }

        Span<double> features = stackalloc double[_lags.FeatureCount];
        _lags.Write(k => snapshot[k], features, scratch);
        var prediction = _coefficients.Length > 0 ? _coefficients[0] : 0;
        for (var k = 0; k < features.Length && k + 1 < _coefficients.Length; k++)
        {
            prediction += _coefficients[k + 1] * features[k];
        }

        return _transform == ValueTransform.Log1p ? Math.Exp(Math.Min(prediction, 700)) - 1 : prediction;
    }
}
