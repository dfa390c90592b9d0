using Orleans.Adaptive.Learning.Features;

namespace Orleans.Adaptive.Learning.Anomaly;

/// <summary>
/// Turns a stream of metric readings into feature vectors: for each metric its level, its change since the previous
/// reading, its deviation from the mean of the last <see cref="LongWindow"/> readings, its volatility and its trend
/// over the last <see cref="ShortWindow"/> readings, and the deviation and the change in units of the long window's
/// standard deviation.
/// </summary>
/// <remarks>
/// The last two are scale-free: +50 is ordinary at a busy hour and alarming at a quiet one. Models that split on one
/// feature at a time (isolation forests) cannot learn that from the raw deviation and volatility together, so they
/// get it as a feature of its own.
/// </remarks>
/// <remarks>A missing reading (NaN) repeats the last known one. Features exist once <see cref="LongWindow"/> readings were seen.</remarks>
public sealed class WindowFeatures
{
    /// <summary>Feature names per metric, in order (the last two only with scale-free features).</summary>
    public static readonly string[] AllPerMetric = ["level", "change", "deviation", "volatility", "trend", "deviation-z", "change-z"];

    private readonly int _perMetric;

    private readonly RollingWindow[] _short;
    private readonly RollingWindow[] _long;
    private readonly double[] _last;
    private long _seen;

    /// <summary>Creates the extractor for <paramref name="metrics"/>.</summary>
    public WindowFeatures(IReadOnlyList<string> metrics, int shortWindow = 10, int longWindow = 60, bool scaleFree = false)
    {
        _perMetric = scaleFree ? AllPerMetric.Length : AllPerMetric.Length - 2;
        ArgumentNullException.ThrowIfNull(metrics);
        if (metrics.Count == 0)
        {
            throw new ArgumentException("There must be at least one metric.", nameof(metrics));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(shortWindow, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(longWindow, shortWindow);
        Metrics = metrics;
        ShortWindow = shortWindow;
        LongWindow = longWindow;
        _short = metrics.Select(_ => new RollingWindow(shortWindow)).ToArray();
        _long = metrics.Select(_ => new RollingWindow(longWindow)).ToArray();
        _last = Enumerable.Repeat(double.NaN, metrics.Count).ToArray();
        Names = metrics.SelectMany(m => AllPerMetric.Take(_perMetric).Select(f => $"{m}.{f}")).ToArray();
    }

    /// <summary>The metrics, in input order.</summary>
    public IReadOnlyList<string> Metrics { get; }

    /// <summary>Feature names, <c>metric.feature</c>, in vector order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Readings over which volatility and trend are measured.</summary>
    public int ShortWindow { get; }

    /// <summary>Readings whose mean the deviation is measured from.</summary>
    public int LongWindow { get; }

    /// <summary>Adds a reading (one value per metric); returns its features, or null while warming up.</summary>
    public double[]? Add(ReadOnlySpan<double> values)
    {
        if (values.Length != Metrics.Count)
        {
            throw new ArgumentException($"Expected {Metrics.Count} values, got {values.Length}.", nameof(values));
        }

        var ready = _seen >= LongWindow;
        var features = ready ? new double[Names.Count] : null;
        for (var m = 0; m < values.Length; m++)
        {
            var value = double.IsFinite(values[m]) ? values[m] : _last[m];
            if (double.IsNaN(value))
            {
                value = 0; // nothing seen yet for this metric
            }

            if (features is not null)
            {
                var at = m * _perMetric;
                features[at] = value;
                features[at + 1] = value - _last[m];
                features[at + 2] = value - _long[m].Mean;
                if (_perMetric > 5)
                {
                    var spread = Math.Max(_long[m].StandardDeviation, 1e-9 + 1e-6 * Math.Abs(_long[m].Mean));
                    features[at + 5] = features[at + 2] / spread;
                    features[at + 6] = features[at + 1] / spread;
                }
            }

            _short[m].Add(value);
            _long[m].Add(value);
            if (features is not null)
            {
                var at = m * _perMetric;
                features[at + 3] = _short[m].StandardDeviation;
                features[at + 4] = _short[m].Slope();
            }

            _last[m] = value;
        }

        _seen++;
        return features;
    }
}
