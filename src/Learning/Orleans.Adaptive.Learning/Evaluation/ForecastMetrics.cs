namespace Orleans.Adaptive.Learning.Evaluation;

/// <summary>
/// Accuracy of a forecaster over a test period.
/// </summary>
/// <param name="Mae">Mean absolute error.</param>
/// <param name="Rmse">Root mean squared error.</param>
/// <param name="Smape">Symmetric mean absolute percentage error, in percent (0–200): mean of 2|F−A|/(|F|+|A|), a point with F = A = 0 counting 0.</param>
/// <param name="Mase">MAE divided by the in-sample MAE of the last-value forecast (Hyndman and Koehler 2006): below 1 beats the naive forecast's typical error.</param>
/// <param name="Points">Test points with an actual value.</param>
public sealed record ForecastMetrics(double Mae, double Rmse, double Smape, double Mase, int Points)
{
    /// <summary>Computes the metrics; NaN actuals are skipped.</summary>
    /// <param name="actuals">Actual values.</param>
    /// <param name="forecasts">One forecast per actual.</param>
    /// <param name="naiveScale">In-sample MAE of the one-step last-value forecast.</param>
    public static ForecastMetrics Compute(ReadOnlySpan<double> actuals, ReadOnlySpan<double> forecasts, double naiveScale)
    {
        if (actuals.Length != forecasts.Length)
        {
            throw new ArgumentException("There must be one forecast per actual value.", nameof(forecasts));
        }

        double absolute = 0, squared = 0, smape = 0;
        var count = 0;
        for (var i = 0; i < actuals.Length; i++)
        {
            var actual = actuals[i];
            if (double.IsNaN(actual))
            {
                continue;
            }

            var error = forecasts[i] - actual;
            absolute += Math.Abs(error);
            squared += error * error;
            var denominator = Math.Abs(forecasts[i]) + Math.Abs(actual);
            smape += denominator == 0 ? 0 : 2 * Math.Abs(error) / denominator;
            count++;
        }

        if (count == 0)
        {
            return new ForecastMetrics(double.NaN, double.NaN, double.NaN, double.NaN, 0);
        }

        var mae = absolute / count;
        return new ForecastMetrics(mae, Math.Sqrt(squared / count), 100 * smape / count, naiveScale > 0 ? mae / naiveScale : double.NaN, count);
    }

    /// <summary>The in-sample MAE of the one-step last-value forecast over <paramref name="values"/> (gaps skipped).</summary>
    public static double NaiveScale(ReadOnlySpan<double> values)
    {
        double sum = 0;
        var count = 0;
        var last = double.NaN;
        foreach (var value in values)
        {
            if (double.IsNaN(value))
            {
                continue;
            }

            if (!double.IsNaN(last))
            {
                sum += Math.Abs(value - last);
                count++;
            }

            last = value;
        }

        return count == 0 ? double.NaN : sum / count;
    }
}
