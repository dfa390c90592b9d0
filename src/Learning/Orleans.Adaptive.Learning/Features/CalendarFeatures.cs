namespace Orleans.Adaptive.Learning.Features;

/// <summary>Time of day and day of week as smooth cyclic features (sine and cosine), so 23:59 sits next to 00:00.</summary>
public static class CalendarFeatures
{
    /// <summary>How many values <see cref="Write"/> produces.</summary>
    public const int Count = 4;

    /// <summary>Writes sin/cos of the time of day and of the day of the week.</summary>
    public static void Write(DateTime time, Span<double> destination)
    {
        var day = time.TimeOfDay.TotalDays;
        var week = ((int)time.DayOfWeek + day) / 7.0;
        destination[0] = Math.Sin(2 * Math.PI * day);
        destination[1] = Math.Cos(2 * Math.PI * day);
        destination[2] = Math.Sin(2 * Math.PI * week);
        destination[3] = Math.Cos(2 * Math.PI * week);
    }

    /// <summary>Writes sin/cos of the position within a period of <paramref name="period"/> rows, for series without timestamps.</summary>
    public static void WritePhase(long index, int period, Span<double> destination)
    {
        var phase = period > 0 ? index % period / (double)period : 0;
        destination[0] = Math.Sin(2 * Math.PI * phase);
        destination[1] = Math.Cos(2 * Math.PI * phase);
    }
}
