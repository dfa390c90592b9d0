using Orleans.Adaptive.Learning.Numerics;

namespace Orleans.Adaptive.Learning.Features;

/// <summary>Finds a series' seasonal period: a day or a week of rows when the step is known, else the strongest autocorrelation peak.</summary>
public static class Seasonality
{
    /// <summary>The smallest autocorrelation a period must show to count.</summary>
    public const double MinimumAutocorrelation = 0.2;

    /// <summary>
    /// Candidate periods, strongest first: with a known step, a day and a week (when the series holds at least two
    /// of them); without one, the highest autocorrelation peak between 4 rows and a third of the series.
    /// </summary>
    public static IReadOnlyList<int> DetectPeriods(ReadOnlySpan<double> values, TimeSpan? step, int maxPeriods = 2)
    {
        var filled = MissingValues.Interpolate(values);
        var candidates = new List<(int Period, double Correlation)>();
        if (step is { TotalSeconds: > 0 } s)
        {
            foreach (var span in new[] { TimeSpan.FromDays(1), TimeSpan.FromDays(7) })
            {
                var period = (int)Math.Round(span / s);
                if (period >= 2 && filled.Length >= 2 * period)
                {
                    var r = Autocorrelation(filled, period);
                    if (r >= MinimumAutocorrelation)
                    {
                        candidates.Add((period, r));
                    }
                }
            }
        }
        else
        {
            var maxLag = Math.Min(filled.Length / 3, 5000);
            var correlations = new double[maxLag + 2];
            for (var lag = 1; lag <= maxLag + 1; lag++)
            {
                correlations[lag] = Autocorrelation(filled, lag);
            }

            // A peak is a lag whose correlation beats both neighbours and the first dip after lag 1, so that a smooth
            // series' slowly decaying correlation does not pass for a season.
            var dip = 1;
            while (dip < maxLag && correlations[dip + 1] < correlations[dip])
            {
                dip++;
            }

            for (var lag = Math.Max(4, dip + 1); lag <= maxLag; lag++)
            {
                if (correlations[lag] >= MinimumAutocorrelation && correlations[lag] > correlations[lag - 1] && correlations[lag] >= correlations[lag + 1])
                {
                    candidates.Add((lag, correlations[lag]));
                }
            }
        }

        return candidates.OrderByDescending(static c => c.Correlation).Take(maxPeriods).Select(static c => c.Period).ToList();
    }

    /// <summary>The sample autocorrelation of <paramref name="values"/> at <paramref name="lag"/>.</summary>
    public static double Autocorrelation(ReadOnlySpan<double> values, int lag)
    {
        if (lag <= 0 || lag >= values.Length)
        {
            return 0;
        }

        var mean = Descriptive.Mean(values);
        double numerator = 0, denominator = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var d = values[i] - mean;
            denominator += d * d;
            if (i >= lag)
            {
                numerator += d * (values[i - lag] - mean);
            }
        }

        return denominator <= 0 ? 0 : numerator / denominator;
    }
}
