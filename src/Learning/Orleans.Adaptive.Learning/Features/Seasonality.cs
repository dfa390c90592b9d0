using Orleans.Adaptive.Learning.Numerics;

namespace Orleans.Adaptive.Learning.Features;

/// <summary>
/// Finds a series' seasonal periods: a day and a week of rows when the step is known and the series repeats at them;
/// otherwise the autocorrelation peaks. Ranked by how strongly the series repeats at each.
/// </summary>
/// <remarks>
/// Calendar periods come first because bursty series (request counts) show autocorrelation peaks at short lags that
/// are bursts, not seasons; the search is the fallback for series without timestamps or with a non-calendar cycle.
/// </remarks>
public static class Seasonality
{
    /// <summary>The smallest autocorrelation a period must show to count.</summary>
    public const double MinimumAutocorrelation = 0.2;

    /// <summary>The longest lag searched for autocorrelation peaks (calendar periods may be longer).</summary>
    public const int MaxSearchedLag = 5000;

    /// <summary>
    /// Candidate periods, strongest first: with a known step, a day and a week (when the series holds at least two
    /// of them); when neither qualifies, the autocorrelation peaks between 4 rows and a third of the series.
    /// </summary>
    public static IReadOnlyList<int> DetectPeriods(ReadOnlySpan<double> values, TimeSpan? step, int maxPeriods = 2)
    {
        var filled = MissingValues.Interpolate(values);
        var candidates = new Dictionary<int, double>();
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
                        candidates[period] = r;
                    }
                }
            }
        }

        if (candidates.Count > 0)
        {
            return candidates.OrderByDescending(static c => c.Value).Take(maxPeriods).Select(static c => c.Key).ToList();
        }

        var maxLag = Math.Min(filled.Length / 3, MaxSearchedLag);
        var correlations = new double[maxLag + 2];
        for (var lag = 1; lag <= maxLag + 1; lag++)
        {
            correlations[lag] = Autocorrelation(filled, lag);
        }

        // A peak is a lag whose correlation beats both neighbours and comes after the first dip following lag 1, so that
        // a smooth series' slowly decaying correlation does not pass for a season.
        var dip = 1;
        while (dip < maxLag && correlations[dip + 1] < correlations[dip])
        {
            dip++;
        }

        for (var lag = Math.Max(4, dip + 1); lag <= maxLag; lag++)
        {
            if (correlations[lag] >= MinimumAutocorrelation && correlations[lag] > correlations[lag - 1] && correlations[lag] >= correlations[lag + 1])
            {
                candidates[lag] = correlations[lag];
            }
        }

        return candidates.OrderByDescending(static c => c.Value).Take(maxPeriods).Select(static c => c.Key).ToList();
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
