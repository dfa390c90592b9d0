using Orleans.Adaptive.Learning.Data;
using Orleans.Adaptive.Learning.Features;

namespace Orleans.Adaptive.Learning.Forecasting;

/// <summary>
/// What the training history says about a series and that models share: its step, its seasonal periods, whether it
/// never goes below zero (counts, utilisation) so that forecasts do not either, and whether it holds only whole
/// numbers (counts), so that median forecasts can be whole numbers too.
/// </summary>
public sealed record SeriesContext(TimeSpan? Step, IReadOnlyList<int> Periods, bool IsNonNegative, bool IsIntegerValued = false)
{
    /// <summary>The main seasonal period, if any.</summary>
    public int? PrimaryPeriod => Periods.Count > 0 ? Periods[0] : null;

    /// <summary>Analyses the training history.</summary>
    public static SeriesContext Analyze(TimeSeries history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var step = history.MedianStep;
        var nonNegative = history.Values.All(static v => double.IsNaN(v) || v >= 0);
        var integers = history.Values.All(static v => double.IsNaN(v) || v == Math.Round(v));

        // Bursts dominate the autocorrelation of raw counts and hide their daily cycle; on a log scale they do not.
        var forSeasonality = nonNegative ? history.Values.Select(static v => double.IsNaN(v) ? v : Math.Log(1 + v)).ToArray() : history.Values;
        var periods = Seasonality.DetectPeriods(forSeasonality, step);
        return new SeriesContext(step, periods, nonNegative, integers);
    }
}
