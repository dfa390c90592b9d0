namespace Orleans.Adaptive.Learning.Forecasting;

/// <summary>
/// The most recent values a forecaster needs, indexed by lag: <c>Lag(1)</c> is the last value seen. Missing values
/// repeat the last known one, so lags are always defined once anything has been seen.
/// </summary>
internal sealed class HistoryBuffer
{
    private readonly double[] _values;
    private int _next;

    public HistoryBuffer(int capacity)
    {
        _values = new double[Math.Max(1, capacity)];
    }

    /// <summary>Values seen so far (not capped by the capacity).</summary>
    public long Seen { get; private set; }

    public int Capacity => _values.Length;

    /// <summary>The value <paramref name="lag"/> steps back (1 = last); beyond what was seen, the oldest value held.</summary>
    public double Lag(int lag)
    {
        if (Seen == 0)
        {
            return 0;
        }

        var available = (int)Math.Min(Seen, _values.Length);
        var back = Math.Clamp(lag, 1, available);
        return _values[((_next - back) % _values.Length + _values.Length) % _values.Length];
    }

    public void Add(double value)
    {
        if (double.IsNaN(value))
        {
            value = Seen == 0 ? 0 : Lag(1);
        }

        _values[_next] = value;
        _next = (_next + 1) % _values.Length;
        Seen++;
    }

    public void Clear()
    {
        _next = 0;
        Seen = 0;
    }
}
