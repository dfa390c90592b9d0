namespace Orleans.Adaptive.Learning.Forecasting;

/// <summary>The candidates of <see cref="ForecasterCatalog"/> plus the ML.NET regression forecaster.</summary>
public static class MlNetForecasterCatalog
{
    /// <summary>Every candidate, the ML.NET FastTree model included.</summary>
    public static IReadOnlyList<Func<IForecaster>> Candidates(SeriesContext context)
        => [.. ForecasterCatalog.Candidates(context), () => new MlNetForecaster(context, MlNetTrainer.FastTree)];
}
