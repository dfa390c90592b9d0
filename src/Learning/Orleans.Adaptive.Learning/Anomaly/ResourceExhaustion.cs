using Orleans.Adaptive.Learning.Numerics;

namespace Orleans.Adaptive.Learning.Anomaly;

/// <summary>
/// Trend extrapolation for a resource that runs out: fits a robust line (Theil–Sen: the median of pairwise slopes,
/// unmoved by a few odd readings) to recent usage and says when it will reach the limit at that rate.
/// </summary>
public static class ResourceExhaustion
{
    /// <summary>Pairs sampled at most for the Theil–Sen slope (all pairs when fewer).</summary>
    public const int MaxPairs = 20_000;

    /// <summary>
    /// The time until <paramref name="usage"/> (sampled every <paramref name="interval"/>, oldest first) reaches
    /// <paramref name="limit"/> at its recent trend; null when it is not rising (or has too few readings).
    /// </summary>
    public static TimeSpan? TimeUntilExhausted(ReadOnlySpan<double> usage, TimeSpan interval, double limit)
    {
        if (interval <= TimeSpan.Zero || !double.IsFinite(limit))
        {
            return null;
        }

        var (slope, intercept) = TheilSen(usage);
        if (!(slope > 0))
        {
            return null;
        }

        var now = intercept + slope * (usage.Length - 1);
        if (now >= limit)
        {
            return TimeSpan.Zero;
        }

        var steps = (limit - now) / slope;
        var seconds = steps * interval.TotalSeconds;
        return seconds > TimeSpan.MaxValue.TotalSeconds / 2 ? null : TimeSpan.FromSeconds(seconds);
    }

    /// <summary>The Theil–Sen line through (i, values[i]) for the present values: slope per row and intercept at row 0.</summary>
    public static (double Slope, double Intercept) TheilSen(ReadOnlySpan<double> values)
    {
        var points = new List<(int X, double Y)>();
        for (var i = 0; i < values.Length; i++)
        {
            if (double.IsFinite(values[i]))
            {
                points.Add((i, values[i]));
            }
        }

        if (points.Count < 3)
        {
            return (double.NaN, double.NaN);
        }

        var slopes = new List<double>();
        var total = (long)points.Count * (points.Count - 1) / 2;
        var stride = Math.Max(1, (int)(total / MaxPairs));
        long pair = 0;
        for (var i = 0; i < points.Count; i++)
        {
            for (var j = i + 1; j < points.Count; j++)
            {
                if (pair++ % stride == 0)
                {
                    slopes.Add((points[j].Y - points[i].Y) / (points[j].X - points[i].X));
                }
            }
        }

        var slope = Descriptive.Median(slopes.ToArray());
        var intercept = Descriptive.Median(points.Select(p => p.Y - slope * p.X).ToArray());
        return (slope, intercept);
    }
}
