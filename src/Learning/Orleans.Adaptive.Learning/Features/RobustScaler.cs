using Orleans.Adaptive.Learning.Numerics;

namespace Orleans.Adaptive.Learning.Features;

/// <summary>
/// Robust normalisation: (x − median) / (MAD·1.4826), so that one outlier in the training data does not set the
/// scale. A feature whose MAD is zero (mostly constant) falls back to its standard deviation, then to 1.
/// </summary>
public sealed class RobustScaler
{
    private RobustScaler(double[] centers, double[] scales)
    {
        Centers = centers;
        Scales = scales;
    }

    /// <summary>Per-feature medians.</summary>
    public double[] Centers { get; }

    /// <summary>Per-feature scales (σ estimates, never zero).</summary>
    public double[] Scales { get; }

    /// <summary>Fits on rows of equal length.</summary>
    public static RobustScaler Fit(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("The scaler needs at least one row.", nameof(rows));
        }

        var width = rows[0].Length;
        var centers = new double[width];
        var scales = new double[width];
        var column = new double[rows.Count];
        for (var f = 0; f < width; f++)
        {
            for (var r = 0; r < rows.Count; r++)
            {
                column[r] = rows[r][f];
            }

            centers[f] = Descriptive.Median(column);
            var scale = Descriptive.MadSigma(column);
            if (!(scale > 1e-12))
            {
                scale = Descriptive.StandardDeviation(column);
            }

            scales[f] = scale > 1e-12 ? scale : 1;
            if (double.IsNaN(centers[f]))
            {
                centers[f] = 0;
            }
        }

        return new RobustScaler(centers, scales);
    }

    /// <summary>Creates a scaler from stored centers and scales.</summary>
    public static RobustScaler FromParameters(double[] centers, double[] scales)
    {
        ArgumentNullException.ThrowIfNull(centers);
        ArgumentNullException.ThrowIfNull(scales);
        if (centers.Length != scales.Length || scales.Any(static s => !(s > 0) || !double.IsFinite(s)) || centers.Any(static c => !double.IsFinite(c)))
        {
            throw new ArgumentException("A scaler needs one finite center and one positive finite scale per feature.");
        }

        return new RobustScaler(centers, scales);
    }

    /// <summary>Writes the scaled <paramref name="row"/> into <paramref name="destination"/>.</summary>
    public void Transform(ReadOnlySpan<double> row, Span<double> destination)
    {
        for (var f = 0; f < row.Length; f++)
        {
            destination[f] = (row[f] - Centers[f]) / Scales[f];
        }
    }

    /// <summary>Returns the scaled row.</summary>
    public double[] Transform(ReadOnlySpan<double> row)
    {
        var scaled = new double[row.Length];
        Transform(row, scaled);
        return scaled;
    }
}
