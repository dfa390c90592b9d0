namespace Orleans.Adaptive.Learning.Data;

/// <summary>
/// One numeric series read from a file, in file order. Missing values are <see cref="double.NaN"/>.
/// </summary>
/// <remarks>
/// Rows are kept as an ordered stream: real traces repeat timestamps (daylight-saving clamps) and jump backwards,
/// so nothing here is keyed on time.
/// </remarks>
public sealed class TimeSeries
{
    /// <summary>Creates a series.</summary>
    public TimeSeries(string name, string valueColumn, double[] values, DateTime[]? calendarTimes = null, double[]? offsetSeconds = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(valueColumn);
        ArgumentNullException.ThrowIfNull(values);
        if (calendarTimes is not null && calendarTimes.Length != values.Length)
        {
            throw new ArgumentException("There must be one calendar time per value.", nameof(calendarTimes));
        }

        if (offsetSeconds is not null && offsetSeconds.Length != values.Length)
        {
            throw new ArgumentException("There must be one time offset per value.", nameof(offsetSeconds));
        }

        Name = name;
        ValueColumn = valueColumn;
        Values = values;
        CalendarTimes = calendarTimes;
        OffsetSeconds = offsetSeconds;
    }

    /// <summary>The series' name (the file name without its extension, unless given otherwise).</summary>
    public string Name { get; }

    /// <summary>The column the values came from.</summary>
    public string ValueColumn { get; }

    /// <summary>The values; <see cref="double.NaN"/> where the file had no value.</summary>
    public double[] Values { get; }

    /// <summary>Timestamps when the file has a calendar timestamp column (naive local times), else null.</summary>
    public DateTime[]? CalendarTimes { get; }

    /// <summary>Seconds from the start when the file's time column is a number of seconds, else null.</summary>
    public double[]? OffsetSeconds { get; }

    /// <summary>Number of rows.</summary>
    public int Count => Values.Length;

    /// <summary>Number of rows with a value.</summary>
    public int PresentCount => Values.Count(static v => !double.IsNaN(v));

    /// <summary>
    /// The median time between consecutive rows, if the file has times; robust to the gaps and repeats real traces
    /// contain.
    /// </summary>
    public TimeSpan? MedianStep
    {
        get
        {
            var steps = new List<double>(Count);
            for (var i = 1; i < Count; i++)
            {
                var step = CalendarTimes is not null
                    ? (CalendarTimes[i] - CalendarTimes[i - 1]).TotalSeconds
                    : OffsetSeconds is not null ? OffsetSeconds[i] - OffsetSeconds[i - 1] : double.NaN;
                if (step > 0)
                {
                    steps.Add(step);
                }
            }

            if (steps.Count == 0)
            {
                return null;
            }

            steps.Sort();
            return TimeSpan.FromSeconds(steps[steps.Count / 2]);
        }
    }

    /// <summary>Returns rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>).</summary>
    public TimeSeries Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Count);
        return new TimeSeries(
            Name,
            ValueColumn,
            Values.AsSpan(start, count).ToArray(),
            CalendarTimes?.AsSpan(start, count).ToArray(),
            OffsetSeconds?.AsSpan(start, count).ToArray());
    }
}
