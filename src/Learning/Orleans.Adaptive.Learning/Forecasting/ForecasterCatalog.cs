namespace Orleans.Adaptive.Learning.Forecasting;

/// <summary>
/// The candidate forecasters for a series: the baselines, the seed model, and the stronger models, each set up for
/// the series' seasonal periods. (<c>MlNetForecasterCatalog</c> adds the ML.NET model.)
/// </summary>
public static class ForecasterCatalog
{
    /// <summary>Recent lags of the longer autoregressions.</summary>
    public const int RecentLags = 12;

    /// <summary>Windows of the rolling-median level features of the robust autoregressions.</summary>
    public static readonly int[] MedianWindows = [12, 48];

    /// <summary>The name of the seed model.</summary>
    public const string SeedModel = "ar2";

    /// <summary>Every candidate: factories, so each evaluation gets a fresh, unfitted model.</summary>
    public static IReadOnlyList<Func<IForecaster>> Candidates(SeriesContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var seasonal = new LagSet(RecentLags, context.Periods);
        var candidates = new List<Func<IForecaster>>
        {
            () => new LastValueForecaster(context),
            () => AutoRegressiveForecaster.Ar2(context),
            () => new AutoRegressiveForecaster(context, seasonal, RegressionLoss.Squares),
            () => new AutoRegressiveForecaster(context, seasonal, RegressionLoss.Absolute),
            () => new RecursiveLeastSquaresForecaster(context, seasonal, 0.999),
        };

        var robust = new LagSet(RecentLags, context.Periods, MedianWindows);
        candidates.Add(() => new AutoRegressiveForecaster(context, robust, RegressionLoss.Absolute));
        candidates.Add(() => new ThresholdAutoRegressiveForecaster(context, robust));
        if (context.IsNonNegative)
        {
            candidates.Add(() => new AutoRegressiveForecaster(context, seasonal, RegressionLoss.Absolute, transform: ValueTransform.Log1p));
            candidates.Add(() => new AutoRegressiveForecaster(context, robust, RegressionLoss.Absolute, transform: ValueTransform.Log1p));
        }

        if (context.PrimaryPeriod is { } period)
        {
            candidates.Insert(1, () => new SeasonalNaiveForecaster(context, period));
        }

        return candidates;
    }
}
