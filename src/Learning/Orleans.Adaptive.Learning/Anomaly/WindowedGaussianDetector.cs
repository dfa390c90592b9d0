using Orleans.Adaptive.Learning.Numerics;

namespace Orleans.Adaptive.Learning.Anomaly;

/// <summary>
/// NAB's "windowed Gaussian" baseline for one metric: the two-sided tail probability of the reading under a normal
/// distribution fitted to the last <c>window</c> readings (refitted every <c>step</c> readings); score = 1 − tail.
/// </summary>
public sealed class WindowedGaussianDetector(int window = 6400, int step = 100) : IStreamingDetector
{
    private readonly Features.RollingWindow _values = new(window);
    private double _mean = double.NaN;
    private double _sigma = double.NaN;
    private long _row = -1;
    private double _last;

    /// <inheritdoc />
    public AnomalyVerdict Observe(ReadOnlySpan<double> values)
    {
        _row++;
        var value = double.IsFinite(values[0]) ? values[0] : _last;
        _last = value;
        var score = 0.0;
        if (double.IsFinite(_mean) && _sigma > 0)
        {
            var z = Math.Abs(value - _mean) / _sigma;
            score = 1 - 2 * Descriptive.NormalTail(z);
        }

        _values.Add(value);
        if (_row % step == 0 && _values.Count >= 2)
        {
            _mean = _values.Mean;
            _sigma = _values.StandardDeviation;
        }

        return new AnomalyVerdict(_row, score, score, false, false, []);
    }
}
