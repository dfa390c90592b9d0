using Orleans.Adaptive.Learning.Data;
using Orleans.Adaptive.Learning.Forecasting;

namespace Orleans.Adaptive.Learning.Evaluation;

/// <summary>
/// Walks a fitted forecaster through a test period one step at a time: forecast the next value, then reveal it.
/// Every forecast uses only what precedes it.
/// </summary>
public static class OneStepEvaluation
{
    /// <summary>Forecasts each of <paramref name="test"/>'s values one step ahead; returns the forecasts.</summary>
    public static double[] Run(IForecaster forecaster, ReadOnlySpan<double> test)
    {
        ArgumentNullException.ThrowIfNull(forecaster);
        var forecasts = new double[test.Length];
        for (var i = 0; i < test.Length; i++)
        {
            forecasts[i] = forecaster.Forecast(1)[0];
            forecaster.Observe(test[i]);
        }

        return forecasts;
    }

    /// <summary>Fits on <paramref name="train"/>, then evaluates one step ahead on <paramref name="test"/>.</summary>
    public static ForecastMetrics FitAndScore(IForecaster forecaster, TimeSeries train, ReadOnlySpan<double> test, double naiveScale)
    {
        forecaster.Fit(train);
        var forecasts = Run(forecaster, test);
        return ForecastMetrics.Compute(test, forecasts, naiveScale);
    }
}
