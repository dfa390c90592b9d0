namespace Orleans.Adaptive.Learning.Forecasting;

/// <summary>
/// Which past values a linear model regresses on: the last <see cref="Recent"/> values; for each seasonal period s
/// the values s and s+1 steps back (last season's value and its change, so a model can follow a season whose level
/// drifts); and the medians of the last w values for each w in <see cref="MedianWindows"/> (a level estimate that
/// bursts do not move).
/// </summary>
public sealed record LagSet(int Recent, IReadOnlyList<int> Periods, IReadOnlyList<int>? MedianWindows = null)
{
    private IReadOnlyList<int>? _lags;
    private IReadOnlyList<int>? _read;

    // Records copy every field on `with`, the cached lags included; this copy constructor leaves the cache behind so
    // a copy with other periods derives its own.
    private LagSet(LagSet original)
    {
        Recent = original.Recent;
        Periods = original.Periods;
        MedianWindows = original.MedianWindows;
    }

    /// <summary>Windows of the rolling-median features (none by default).</summary>
    public IReadOnlyList<int> Medians => MedianWindows ?? [];

    /// <summary>The lags, in feature order.</summary>
    // Derived lazily rather than stored at construction: a `with` copy must not keep the original's lags.
    public IReadOnlyList<int> Lags => _lags ??= BuildLags(Recent, Periods);

    /// <summary>The furthest past value read (lags and median windows).</summary>
    public int MaxLag => Math.Max(Lags.Count == 0 ? 1 : Lags.Max(), Medians.Count == 0 ? 1 : Medians.Max());

    /// <summary>Every lag <see cref="Write"/> reads: the lags, and 1 to the longest median window.</summary>
    public IReadOnlyList<int> LagsRead => _read ??= [.. Lags.Concat(Enumerable.Range(1, Medians.Count == 0 ? 0 : Medians.Max())).Distinct().Order()];

    /// <summary>Features per row, besides the intercept.</summary>
    public int FeatureCount => Lags.Count + Medians.Count;

    /// <summary>A short description: <c>12</c>, <c>12+s288</c>, <c>12+s288+m48</c>.</summary>
    public string Describe()
        => string.Join("+", new[] { $"{Recent}" }.Concat(Periods.Select(static p => $"s{p}")).Concat(Medians.Select(static m => $"m{m}")));

    /// <summary>Writes the features for the value after <paramref name="lag"/>'s newest (lag 1) into <paramref name="destination"/>.</summary>
    public void Write(Func<int, double> lag, Span<double> destination, double[] scratch)
    {
        var i = 0;
        foreach (var k in Lags)
        {
            destination[i++] = lag(k);
        }

        foreach (var window in Medians)
        {
            for (var k = 0; k < window; k++)
            {
                scratch[k] = lag(k + 1);
            }

            Array.Sort(scratch, 0, window);
            destination[i++] = window % 2 == 1 ? scratch[window / 2] : (scratch[window / 2 - 1] + scratch[window / 2]) / 2;
        }
    }

    private static List<int> BuildLags(int recent, IReadOnlyList<int> periods)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recent, 1);
        var lags = Enumerable.Range(1, recent).ToList();
        foreach (var period in periods)
        {
            foreach (var lag in new[] { period, period + 1 })
            {
                if (!lags.Contains(lag))
                {
                    lags.Add(lag);
                }
            }
        }

        return lags;
    }
}
