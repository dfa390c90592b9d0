namespace Orleans.Adaptive.Learning.Numerics;

/// <summary>Robust and plain summary statistics that ignore missing values (NaN).</summary>
public static class Descriptive
{
    /// <summary>The consistency constant that makes the MAD estimate σ for normal data.</summary>
    public const double MadToSigma = 1.4826;

    /// <summary>The median of the present values; NaN when there are none. Sorts a copy.</summary>
    public static double Median(ReadOnlySpan<double> values)
    {
        var present = Present(values);
        if (present.Length == 0)
        {
            return double.NaN;
        }

        Array.Sort(present);
        var middle = present.Length / 2;
        return present.Length % 2 == 1 ? present[middle] : (present[middle - 1] + present[middle]) / 2;
    }

    /// <summary>The median absolute deviation from the median, scaled to estimate σ; NaN when empty.</summary>
    public static double MadSigma(ReadOnlySpan<double> values)
    {
        var median = Median(values);
        if (double.IsNaN(median))
        {
            return double.NaN;
        }

        var present = Present(values);
        for (var i = 0; i < present.Length; i++)
        {
            present[i] = Math.Abs(present[i] - median);
        }

        return Median(present) * MadToSigma;
    }

    /// <summary>The mean of the present values; NaN when there are none.</summary>
    public static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        var count = 0;
        foreach (var value in values)
        {
            if (!double.IsNaN(value))
            {
                sum += value;
                count++;
            }
        }

        return count == 0 ? double.NaN : sum / count;
    }

    /// <summary>The sample standard deviation of the present values; NaN with fewer than two.</summary>
    public static double StandardDeviation(ReadOnlySpan<double> values)
    {
        var mean = Mean(values);
        double sum = 0;
        var count = 0;
        foreach (var value in values)
        {
            if (!double.IsNaN(value))
            {
                sum += (value - mean) * (value - mean);
                count++;
            }
        }

        return count < 2 ? double.NaN : Math.Sqrt(sum / (count - 1));
    }

    /// <summary>The <paramref name="q"/>-quantile (0–1, linear interpolation) of the present values.</summary>
    public static double Quantile(ReadOnlySpan<double> values, double q)
    {
        var present = Present(values);
        if (present.Length == 0)
        {
            return double.NaN;
        }

        Array.Sort(present);
        var position = Math.Clamp(q, 0, 1) * (present.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, present.Length - 1);
        return present[lower] + (present[upper] - present[lower]) * (position - lower);
    }

    /// <summary>
    /// The <paramref name="k"/>-th smallest of <paramref name="values"/> (0-based), found in linear expected time by
    /// partitioning in place (Hoare's selection); the span is left reordered. For a median of many values where a
    /// sort (n log n) would cost more than the rest of the work, e.g. over 100,000 partitions every cycle.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not an index of <paramref name="values"/>.</exception>
    public static double SelectInPlace(Span<double> values, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, values.Length);
        int left = 0, right = values.Length - 1;
        while (left < right)
        {
            // Median of three as the pivot: sorted or constant input does not degrade to quadratic time.
            var middle = left + (right - left) / 2;
            var pivot = MedianOfThree(values[left], values[middle], values[right]);
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            // [left, j] ≤ pivot ≤ [i, right]; anything strictly between j and i equals the pivot.
            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                return values[k];
            }
        }

        return values[k];
    }

    /// <summary>The upper tail probability of the standard normal distribution, P(Z &gt; z).</summary>
    public static double NormalTail(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    /// <summary>The complementary error function (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7).</summary>
    public static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1.0 / (1.0 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
            t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }

    private static double MedianOfThree(double a, double b, double c)
        => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));

    private static double[] Present(ReadOnlySpan<double> values)
    {
        var count = 0;
        foreach (var value in values)
        {
            if (!double.IsNaN(value))
            {
                count++;
            }
        }

        var present = new double[count];
        var index = 0;
        foreach (var value in values)
        {
            if (!double.IsNaN(value))
            {
                present[index++] = value;
            }
        }

        return present;
    }
}
