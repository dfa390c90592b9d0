namespace Orleans.Adaptive.Monitoring;

/// <summary>
/// The rule for readings: a value that is not a number, infinite or negative is missing (<see langword="null"/>),
/// never zero, so that models downstream can tell "nothing measured" from "measured nothing".
/// </summary>
internal static class MetricValue
{
    public static double? Clean(double? value)
        => value is { } v && double.IsFinite(v) && v >= 0 ? v : null;

    /// <summary>A per-second rate of a counter's change, or null when the interval is empty or the counter went back.</summary>
    public static double? Rate(double delta, double seconds)
        => seconds > 0 && delta >= 0 ? Clean(delta / seconds) : null;
}
