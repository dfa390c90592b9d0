using Orleans.Adaptive.Learning.Numerics;

namespace Orleans.Adaptive.Learning.Forecasting;

/// <summary>
/// A self-exciting threshold autoregression (SETAR, Tong 1978) fitted by least absolute deviations: one set of
/// coefficients for the normal regime and one for bursts, where a burst is a last value above
/// <c>ratio × median of the last <see cref="LevelWindow"/> values</c>.
/// </summary>
/// <remarks>
/// Bursty series (request spikes, news-driven traffic) behave differently inside a burst (it decays) than outside
/// (the level persists); one linear model has to compromise between the two. The ratio is chosen among a few
/// candidates by the fit's absolute error on the training history. A regime with too few training rows falls back to
/// the single-regime fit.
/// </remarks>
public sealed class ThresholdAutoRegressiveForecaster : ForecasterBase
{
    /// <summary>Window of the median the last value is compared with.</summary>
    public const int LevelWindow = 48;

    /// <summary>Candidate burst thresholds, as multiples of the recent median.</summary>
    public static readonly double[] Ratios = [1.5, 2, 3];

    private const int MinimumRowsPerRegime = 200;
    private const int MaxTrainingRows = 30_000;

    private readonly LagSet _lags;
    private double[] _normal = [];
    private double[] _burst = [];
    private double _ratio = double.PositiveInfinity;
    private double[]? _snapshot;
    private double[]? _scratch;

    /// <summary>Creates the model.</summary>
    public ThresholdAutoRegressiveForecaster(SeriesContext context, LagSet lags)
        : base(context, Math.Max((lags ?? throw new ArgumentNullException(nameof(lags))).MaxLag, LevelWindow))
    {
        _lags = lags;
    }

    /// <inheritdoc />
    protected override string ModelName => $"setar({_lags.Describe()})";

    /// <summary>The chosen burst threshold (∞ when one regime fitted best).</summary>
    public double Ratio => _ratio;

    /// <inheritdoc />
    protected override bool ForecastsMedian => true;

    /// <inheritdoc />
    protected override void FitCore(double[] values, DateTime[]? times)
    {
        var maxLag = Math.Max(_lags.MaxLag, LevelWindow);
        var start = Math.Max(maxLag, values.Length - MaxTrainingRows);
        var rows = new List<double[]>();
        var targets = new List<double>();
        var levels = new List<double>();
        var lastValues = new List<double>();
        var scratch = new double[maxLag + 1];
        var window = new double[LevelWindow];
        for (var t = start; t < values.Length; t++)
        {
            var row = new double[_lags.FeatureCount + 1];
            row[0] = 1;
            var target = t;
            _lags.Write(k => values[target - k], row.AsSpan(1), scratch);
            Array.Copy(values, t - LevelWindow, window, 0, LevelWindow);
            rows.Add(row);
            targets.Add(values[t]);
            levels.Add(Descriptive.Median(window));
            lastValues.Add(values[t - 1]);
        }

        if (rows.Count < _lags.FeatureCount + 2)
        {
            _normal = _burst = new double[_lags.FeatureCount + 1];
            _normal[0] = values.Average();
            return;
        }

        var single = LeastSquares.SolveLeastAbsolute(rows, targets);
        var bestError = AbsoluteError(rows, targets, single);
        (_normal, _burst, _ratio) = (single, single, double.PositiveInfinity);
        foreach (var ratio in Ratios)
        {
            var normalRows = new List<double[]>();
            var normalTargets = new List<double>();
            var burstRows = new List<double[]>();
            var burstTargets = new List<double>();
            for (var i = 0; i < rows.Count; i++)
            {
                var isBurst = IsBurst(lastValues[i], levels[i], ratio);
                (isBurst ? burstRows : normalRows).Add(rows[i]);
                (isBurst ? burstTargets : normalTargets).Add(targets[i]);
            }

            if (normalRows.Count < MinimumRowsPerRegime || burstRows.Count < MinimumRowsPerRegime)
            {
                continue;
            }

            var normal = LeastSquares.SolveLeastAbsolute(normalRows, normalTargets);
            var burst = LeastSquares.SolveLeastAbsolute(burstRows, burstTargets);
            var error = AbsoluteError(normalRows, normalTargets, normal) + AbsoluteError(burstRows, burstTargets, burst);
            if (error < bestError)
            {
                (bestError, _normal, _burst, _ratio) = (error, normal, burst, ratio);
            }
        }
    }

    /// <inheritdoc />
    protected override double Predict(Lags lags, long index, DateTime? time)
    {
        var reach = Math.Max(_lags.MaxLag, LevelWindow);
        var snapshot = _snapshot ??= new double[reach + 1];
        var scratch = _scratch ??= new double[reach + 1];
        for (var k = 1; k <= LevelWindow; k++)
        {
            snapshot[k] = lags[k];
        }

        foreach (var k in _lags.LagsRead)
        {
            snapshot[k] = lags[k];
        }

        var level = Descriptive.Median(snapshot.AsSpan(1, LevelWindow));
        var coefficients = IsBurst(snapshot[1], level, _ratio) ? _burst : _normal;
        Span<double> features = stackalloc double[_lags.FeatureCount];
        _lags.Write(k => snapshot[k], features, scratch);
        var prediction = coefficients[0];
        for (var k = 0; k < features.Length; k++)
        {
            prediction += coefficients[k + 1] * features[k];
        }

        return prediction;
    }

    private static bool IsBurst(double last, double level, double ratio) => last > ratio * Math.Max(level, 1e-9);

    private static double AbsoluteError(List<double[]> rows, List<double> targets, double[] coefficients)
    {
        double error = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            error += Math.Abs(targets[i] - LeastSquares.Dot(rows[i], coefficients));
        }

        return error;
    }
}
