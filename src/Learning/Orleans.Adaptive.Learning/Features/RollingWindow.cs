namespace Orleans.Adaptive.Learning.Features;

/// <summary>
/// The last <see cref="Capacity"/> values of a stream, with their mean and standard deviation maintained in O(1)
/// per value.
/// </summary>
public sealed class RollingWindow
{
    private readonly double[] _values;
    private int _start;
    private double _sum;
    private double _sumOfSquares;

    /// <summary>Creates an empty window.</summary>
    public RollingWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _values = new double[capacity];
    }

    /// <summary>Values the window can hold.</summary>
    public int Capacity => _values.Length;

    /// <summary>Values it holds.</summary>
    public int Count { get; private set; }

    /// <summary>Whether it holds <see cref="Capacity"/> values.</summary>
    public bool IsFull => Count == Capacity;

    /// <summary>The mean of the values held (NaN when empty).</summary>
    public double Mean => Count == 0 ? double.NaN : _sum / Count;

    /// <summary>The population standard deviation of the values held (0 with fewer than two).</summary>
    public double StandardDeviation
    {
        get
        {
            if (Count < 2)
            {
                return 0;
            }

            var mean = _sum / Count;
            return Math.Sqrt(Math.Max(0, _sumOfSquares / Count - mean * mean));
        }
    }

    /// <summary>The <paramref name="age"/>-th most recent value, 0 being the newest.</summary>
    public double this[int age]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(age);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(age, Count);
            return _values[(_start + Count - 1 - age) % Capacity];
        }
    }

    /// <summary>Adds a value, dropping the oldest when full. Values must be finite.</summary>
    public void Add(double value)
    {
        if (Count == Capacity)
        {
            var oldest = _values[_start];
            _sum -= oldest;
            _sumOfSquares -= oldest * oldest;
            _values[_start] = value;
            _start = (_start + 1) % Capacity;
        }
        else
        {
            _values[(_start + Count) % Capacity] = value;
            Count++;
        }

        _sum += value;
        _sumOfSquares += value * value;
    }

    /// <summary>Empties the window.</summary>
    public void Clear()
    {
        _start = 0;
        Count = 0;
        _sum = 0;
        _sumOfSquares = 0;
    }

    /// <summary>
    /// The least-squares slope of the values held against their position (per row), 0 with fewer than two.
    /// </summary>
    public double Slope()
    {
        if (Count < 2)
        {
            return 0;
        }

        double meanX = (Count - 1) / 2.0, meanY = _sum / Count, sxy = 0, sxx = 0;
        for (var i = 0; i < Count; i++)
        {
            var x = i - meanX;
            sxy += x * (this[Count - 1 - i] - meanY);
            sxx += x * x;
        }

        return sxx == 0 ? 0 : sxy / sxx;
    }
}
