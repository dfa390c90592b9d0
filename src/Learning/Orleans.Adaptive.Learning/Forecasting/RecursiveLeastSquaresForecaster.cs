namespace Orleans.Adaptive.Learning.Forecasting;

/// <summary>
/// A linear autoregression whose coefficients are updated online with every observation by recursive least squares
/// with a forgetting factor λ, so the model follows a series whose behaviour drifts (effective memory ≈ 1/(1−λ) rows).
/// </summary>
/// <remarks>
/// Inputs are centred and scaled by the training history's mean and spread, which keeps the inverse-covariance
/// update well conditioned whatever the series' magnitude. The covariance is re-symmetrised at each step to stop
/// rounding errors from accumulating.
/// </remarks>
public sealed class RecursiveLeastSquaresForecaster : ForecasterBase
{
    private readonly LagSet _lags;
    private readonly double _forgetting;
    private double[] _theta = [];
    private double[,] _p = new double[0, 0];
    private double _center;
    private double _scale = 1;

    /// <summary>Creates the model.</summary>
    /// <param name="context">What the training history says about the series.</param>
    /// <param name="lags">The lags regressed on.</param>
    /// <param name="forgetting">λ in (0, 1]: 1 never forgets; 0.999 remembers about a thousand rows.</param>
    public RecursiveLeastSquaresForecaster(SeriesContext context, LagSet lags, double forgetting = 0.999)
        : base(context, (lags ?? throw new ArgumentNullException(nameof(lags))).MaxLag)
    {
        if (!(forgetting > 0 && forgetting <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(forgetting), forgetting, "The forgetting factor must be in (0, 1].");
        }

        _lags = lags;
        _forgetting = forgetting;
    }

    /// <inheritdoc />
    protected override string ModelName => $"rls({_lags.Describe()},λ={_forgetting})";

    /// <inheritdoc />
    protected override void FitCore(double[] values, DateTime[]? times)
    {
        var width = _lags.Lags.Count + 1; // lags only: median windows are not used online
        _center = values.Average();
        var spread = Math.Sqrt(values.Select(v => (v - _center) * (v - _center)).Average());
        _scale = spread > 1e-12 ? spread : 1;
        _theta = new double[width];
        _p = new double[width, width];
        for (var i = 0; i < width; i++)
        {
            _p[i, i] = 1000; // weak prior: the data decide quickly
        }

        // Learn from the training history as if it had streamed in.
        var x = new double[width];
        for (var t = _lags.MaxLag; t < values.Length; t++)
        {
            x[0] = 1;
            for (var k = 0; k < _lags.Lags.Count; k++)
            {
                x[k + 1] = (values[t - _lags.Lags[k]] - _center) / _scale;
            }

            Update(x, (values[t] - _center) / _scale);
        }
    }

    /// <inheritdoc />
    protected override double Predict(Lags lags, long index, DateTime? time)
    {
        var prediction = _theta[0];
        for (var k = 0; k < _lags.Lags.Count; k++)
        {
            prediction += _theta[k + 1] * (lags[_lags.Lags[k]] - _center) / _scale;
        }

        return prediction * _scale + _center;
    }

    /// <inheritdoc />
    protected override void ObserveCore(double value, Lags lags, DateTime? time)
    {
        var x = new double[_theta.Length];
        x[0] = 1;
        for (var k = 0; k < _lags.Lags.Count; k++)
        {
            x[k + 1] = (lags[_lags.Lags[k]] - _center) / _scale;
        }

        Update(x, (value - _center) / _scale);
    }

    private void Update(double[] x, double y)
    {
        var n = x.Length;
        var px = new double[n];
        for (var i = 0; i < n; i++)
        {
            double sum = 0;
            for (var j = 0; j < n; j++)
            {
                sum += _p[i, j] * x[j];
            }

            px[i] = sum;
        }

        double denominator = _forgetting;
        for (var i = 0; i < n; i++)
        {
            denominator += x[i] * px[i];
        }

        var error = y;
        for (var i = 0; i < n; i++)
        {
            error -= _theta[i] * x[i];
        }

        for (var i = 0; i < n; i++)
        {
            _theta[i] += px[i] / denominator * error;
        }

        double trace = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = i; j < n; j++)
            {
                var value = (_p[i, j] - px[i] * px[j] / denominator) / _forgetting;
                _p[i, j] = value;
                _p[j, i] = value;
            }

            trace += _p[i, i];
        }

        // Covariance wind-up: when the inputs stop varying, forgetting inflates P without bound and the next surprise
        // would throw the coefficients around. Start P afresh (the coefficients are kept).
        if (!(trace < 1e8))
        {
            Array.Clear(_p);
            for (var i = 0; i < n; i++)
            {
                _p[i, i] = 1000;
            }
        }
    }
}
