using Orleans.Adaptive.Learning.Data;

namespace Orleans.Adaptive.Client.Workload;

/// <summary>
/// Turns a recorded load trace into an arrival rate over (compressed) time: one trace row is replayed every
/// <see cref="StepDuration"/>, interpolated linearly between rows, looping at the end, and scaled so that the
/// trace's mean becomes <see cref="MeanItemsPerSecond"/>.
/// </summary>
/// <remarks>
/// The shape (daily cycles, bursts, outages) is the trace's; the level is the cluster's: scaling to a mean keeps a
/// replay meaningful on any cluster size. Missing values carry the last known value forward; negative values count
/// as zero.
/// </remarks>
public sealed class TraceReplay
{
    private readonly double[] _values;
    private readonly DateTime[]? _times;

    /// <summary>Creates a replay of <paramref name="trace"/>.</summary>
    /// <exception cref="ArgumentException">The trace has no usable value, or an argument is out of range.</exception>
    public TraceReplay(TimeSeries trace, TimeSpan stepDuration, double meanItemsPerSecond)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (stepDuration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(stepDuration), stepDuration, "The replay step must be greater than zero.");
        }

        if (!double.IsFinite(meanItemsPerSecond) || meanItemsPerSecond < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(meanItemsPerSecond), meanItemsPerSecond, "The mean rate must be a finite number, 0 or more.");
        }

        _values = FillMissing(trace.Values, trace.Name);
        _times = trace.CalendarTimes;
        Name = trace.Name;
        StepDuration = stepDuration;
        MeanItemsPerSecond = meanItemsPerSecond;
        var mean = _values.Average();
        Scale = mean > 0 ? meanItemsPerSecond / mean : 0;
        PeakItemsPerSecond = _values.Max() * Scale;
    }

    /// <summary>The trace's name.</summary>
    public string Name { get; }

    /// <summary>Wall-clock time each trace row lasts in the replay.</summary>
    public TimeSpan StepDuration { get; }

    /// <summary>The replay's mean arrival rate.</summary>
    public double MeanItemsPerSecond { get; }

    /// <summary>The replay's highest arrival rate.</summary>
    public double PeakItemsPerSecond { get; }

    /// <summary>Items per second per unit of trace value.</summary>
    public double Scale { get; }

    /// <summary>Rows in the trace.</summary>
    public int Length => _values.Length;

    /// <summary>Arrival rate, items per second, <paramref name="elapsed"/> into the replay.</summary>
    public double ItemsPerSecondAt(TimeSpan elapsed)
    {
        var position = Position(elapsed, out var row);
        var next = (row + 1) % _values.Length;
        var fraction = position - Math.Floor(position);
        return (_values[row] + (_values[next] - _values[row]) * fraction) * Scale;
    }

    /// <summary>The trace row being replayed <paramref name="elapsed"/> into the replay.</summary>
    public int RowAt(TimeSpan elapsed)
    {
        Position(elapsed, out var row);
        return row;
    }

    /// <summary>The trace's own timestamp of that row, when the trace has calendar times.</summary>
    public DateTime? TraceTimeAt(TimeSpan elapsed) => _times?[RowAt(elapsed)];

    private double Position(TimeSpan elapsed, out int row)
    {
        var position = Math.Max(0, elapsed / StepDuration);
        row = (int)(Math.Floor(position) % _values.Length);
        return position;
    }

    private static double[] FillMissing(double[] values, string name)
    {
        var filled = new double[values.Length];
        double? last = null;
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsNaN(values[i]))
            {
                last = Math.Max(0, values[i]);
            }

            filled[i] = last ?? double.NaN;
        }

        // Leading gaps take the first value that follows them.
        var firstPresent = Array.FindIndex(filled, static v => !double.IsNaN(v));
        if (firstPresent < 0)
        {
            throw new ArgumentException($"Trace '{name}' has no values to replay.", nameof(values));
        }

        for (var i = 0; i < firstPresent; i++)
        {
            filled[i] = filled[firstPresent];
        }

        return filled;
    }
}
