namespace Orleans.Adaptive.Learning.Numerics;

/// <summary>
/// Linear regression by least squares (with optional ridge penalty) and by least absolute deviations.
/// </summary>
/// <remarks>
/// Systems here are small (tens of coefficients), so the normal equations with a Cholesky solve are exact enough
/// and fast; a tiny ridge term keeps them solvable when features are collinear (constant lags, repeated values).
/// </remarks>
public static class LeastSquares
{
    /// <summary>
    /// Minimises Σ wᵢ (yᵢ − xᵢ·β)² + ridge·|β|² (the first coefficient, usually the intercept, is not penalised).
    /// </summary>
    /// <param name="rows">Feature rows, all of the same length.</param>
    /// <param name="targets">One target per row.</param>
    /// <param name="ridge">Penalty on the coefficients (0 or more).</param>
    /// <param name="weights">Row weights, or null for 1.</param>
    public static double[] Solve(IReadOnlyList<double[]> rows, IReadOnlyList<double> targets, double ridge = 1e-8, IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(targets);
        if (rows.Count == 0)
        {
            throw new ArgumentException("Least squares needs at least one row.", nameof(rows));
        }

        if (rows.Count != targets.Count)
        {
            throw new ArgumentException("There must be one target per row.", nameof(targets));
        }

        var k = rows[0].Length;
        var gram = new double[k, k];
        var moment = new double[k];
        for (var r = 0; r < rows.Count; r++)
        {
            var x = rows[r];
            var w = weights?[r] ?? 1.0;
            var y = targets[r];
            for (var i = 0; i < k; i++)
            {
                var wxi = w * x[i];
                moment[i] += wxi * y;
                for (var j = 0; j <= i; j++)
                {
                    gram[i, j] += wxi * x[j];
                }
            }
        }

        // Scale the ridge with the data so that one value suits series of any magnitude.
        double trace = 0;
        for (var i = 0; i < k; i++)
        {
            trace += gram[i, i];
        }

        var penalty = ridge * Math.Max(trace / k, 1e-12);
        for (var i = 1; i < k; i++)
        {
            gram[i, i] += penalty;
        }

        gram[0, 0] += penalty * 1e-6;
        return Cholesky.Solve(gram, moment);
    }

    /// <summary>
    /// Minimises Σ |yᵢ − xᵢ·β| (the conditional median) by iteratively reweighted least squares.
    /// </summary>
    /// <remarks>
    /// The median is what minimises the absolute error; for bursty or zero-heavy counts it forecasts far better by
    /// MAE than the mean that ordinary least squares estimates.
    /// </remarks>
    public static double[] SolveLeastAbsolute(IReadOnlyList<double[]> rows, IReadOnlyList<double> targets, double ridge = 1e-8, int iterations = 30)
    {
        var beta = Solve(rows, targets, ridge);
        var weights = new double[rows.Count];
        var scale = MedianAbsolute(targets);
        var floor = Math.Max(scale * 1e-4, 1e-9);
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            for (var r = 0; r < rows.Count; r++)
            {
                var residual = Math.Abs(targets[r] - Dot(rows[r], beta));
                weights[r] = 1.0 / Math.Max(residual, floor);
            }

            var next = Solve(rows, targets, ridge, weights);
            var change = 0.0;
            for (var i = 0; i < beta.Length; i++)
            {
                change = Math.Max(change, Math.Abs(next[i] - beta[i]));
            }

            beta = next;
            if (change < 1e-9 * (1 + scale))
            {
                break;
            }
        }

        return beta;
    }

    /// <summary>x · β.</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> beta)
    {
        double sum = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sum += x[i] * beta[i];
        }

        return sum;
    }

    private static double MedianAbsolute(IReadOnlyList<double> values)
    {
        var copy = values.Select(Math.Abs).ToArray();
        return copy.Length == 0 ? 0 : Descriptive.Median(copy);
    }
}

/// <summary>Solves symmetric positive-definite systems.</summary>
internal static class Cholesky
{
    /// <summary>Solves A x = b for symmetric positive-definite A, of which only the lower triangle is read.</summary>
    public static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var l = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = a[i, j];
                for (var k = 0; k < j; k++)
                {
                    sum -= l[i, k] * l[j, k];
                }

                if (i == j)
                {
                    // A pivot that is not positive means the system is singular in this direction: pin it.
                    l[i, i] = Math.Sqrt(Math.Max(sum, 1e-12));
                }
                else
                {
                    l[i, j] = sum / l[j, j];
                }
            }
        }

        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sum = b[i];
            for (var k = 0; k < i; k++)
            {
                sum -= l[i, k] * y[k];
            }

            y[i] = sum / l[i, i];
        }

        var x = new double[n];
        for (var i = n - 1; i >= 0; i--)
        {
            var sum = y[i];
            for (var k = i + 1; k < n; k++)
            {
                sum -= l[k, i] * x[k];
            }

            x[i] = sum / l[i, i];
        }

        return x;
    }
}
