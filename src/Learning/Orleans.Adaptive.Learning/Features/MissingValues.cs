namespace Orleans.Adaptive.Learning.Features;

/// <summary>How gaps (NaN) in a series are filled before a model sees it.</summary>
public static class MissingValues
{
    /// <summary>
    /// Fills gaps by linear interpolation between the values around them; leading gaps take the first value and
    /// trailing gaps the last. Returns a copy; a series with no value at all is returned as zeros.
    /// </summary>
    /// <remarks>For training only: it looks ahead. Streaming code carries the last value forward instead.</remarks>
    public static double[] Interpolate(ReadOnlySpan<double> values)
    {
        var filled = values.ToArray();
        var previous = -1;
        for (var i = 0; i < filled.Length; i++)
        {
            if (double.IsNaN(filled[i]))
            {
                continue;
            }

            if (previous < 0)
            {
                Array.Fill(filled, filled[i], 0, i);
            }
            else if (i - previous > 1)
            {
                var step = (filled[i] - filled[previous]) / (i - previous);
                for (var j = previous + 1; j < i; j++)
                {
                    filled[j] = filled[previous] + step * (j - previous);
                }
            }

            previous = i;
        }

        if (previous < 0)
        {
            Array.Clear(filled);
        }
        else
        {
            Array.Fill(filled, filled[previous], previous + 1, filled.Length - previous - 1);
        }

        return filled;
    }

    /// <summary>Fills each gap with the last value before it (leading gaps with the first value).</summary>
    public static double[] CarryForward(ReadOnlySpan<double> values)
    {
        var filled = values.ToArray();
        var first = Array.FindIndex(filled, static v => !double.IsNaN(v));
        if (first < 0)
        {
            Array.Clear(filled);
            return filled;
        }

        var last = filled[first];
        for (var i = 0; i < filled.Length; i++)
        {
            if (double.IsNaN(filled[i]))
            {
                filled[i] = last;
            }
            else
            {
                last = filled[i];
            }
        }

        return filled;
    }
}
