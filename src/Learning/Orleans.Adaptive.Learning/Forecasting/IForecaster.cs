using Orleans.Adaptive.Learning.Data;

namespace Orleans.Adaptive.Learning.Forecasting;

/// <summary>
/// A one-series forecaster: fit on history, then fed each new observation, it forecasts the values to come.
/// </summary>
/// <remarks>
/// The life cycle is <see cref="Fit"/> once (or again to retrain), then any interleaving of <see cref="Observe"/> and
/// <see cref="Forecast"/>. Forecasts use only what the forecaster has seen. Models that learn online (recursive least
/// squares) adjust their parameters in <see cref="Observe"/>; the others keep their fitted parameters and only move
/// their inputs forward.
/// </remarks>
public interface IForecaster
{
    /// <summary>A short name that says what the model is, e.g. <c>ar(12)+s288</c>.</summary>
    string Name { get; }

    /// <summary>Learns from <paramref name="history"/>; missing values (NaN) are interpolated for training.</summary>
    void Fit(TimeSeries history);

    /// <summary>Appends the next observation; a missing value (NaN) repeats the last known one.</summary>
    void Observe(double value);

    /// <summary>Forecasts the next <paramref name="horizon"/> values after the last one seen.</summary>
    double[] Forecast(int horizon);
}
