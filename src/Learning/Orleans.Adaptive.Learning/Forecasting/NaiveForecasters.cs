namespace Orleans.Adaptive.Learning.Forecasting;

/// <summary>The last value, repeated: the baseline every other model must beat (MASE's yardstick).</summary>
public sealed class LastValueForecaster(SeriesContext context) : ForecasterBase(context, 1)
{
    /// <inheritdoc />
    protected override string ModelName => "last-value";

    /// <inheritdoc />
    protected override void FitCore(double[] values, DateTime[]? times)
    {
    }

    /// <inheritdoc />
    protected override double Predict(Lags lags, long index, DateTime? time) => lags[1];
}

/// <summary>The value one season ago: strong on series dominated by a daily or weekly cycle.</summary>
public sealed class SeasonalNaiveForecaster : ForecasterBase
{
    private readonly int _period;

    /// <summary>Creates the forecaster for a season of <paramref name="period"/> rows.</summary>
    public SeasonalNaiveForecaster(SeriesContext context, int period)
        : base(context, period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        _period = period;
    }

    /// <inheritdoc />
    protected override string ModelName => $"seasonal-naive(s{_period})";

    /// <inheritdoc />
    protected override void FitCore(double[] values, DateTime[]? times)
    {
    }

    /// <inheritdoc />
    protected override double Predict(Lags lags, long index, DateTime? time) => lags[_period];
}
