namespace Orleans.Adaptive.Client.Workload;

/// <summary>
/// Picks partitions with Zipf-like skew: the partition of rank <c>k</c> (from 1) is chosen with probability
/// proportional to <c>1 / k^s</c>. <c>s = 0</c> is uniform; around 1 a few partitions take most of the load, as
/// real key popularity tends to.
/// </summary>
public sealed class ZipfPartitionChooser
{
    private readonly double[] _cumulative;
    private readonly Random _random;

    /// <summary>Creates a chooser over <paramref name="count"/> partitions.</summary>
    public ZipfPartitionChooser(int count, double exponent, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (!double.IsFinite(exponent) || exponent < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(exponent), exponent, "The skew exponent must be a finite number, 0 or more.");
        }

        ArgumentNullException.ThrowIfNull(random);
        _random = random;
        _cumulative = new double[count];
        double total = 0;
        for (var k = 0; k < count; k++)
        {
            total += 1.0 / Math.Pow(k + 1, exponent);
            _cumulative[k] = total;
        }

        for (var k = 0; k < count; k++)
        {
            _cumulative[k] /= total;
        }
    }

    /// <summary>Number of partitions.</summary>
    public int Count => _cumulative.Length;

    /// <summary>The share of the load partition <paramref name="index"/> receives.</summary>
    public double Share(int index) => index == 0 ? _cumulative[0] : _cumulative[index] - _cumulative[index - 1];

    /// <summary>Draws a partition index, 0 being the most popular.</summary>
    public int Next()
    {
        var u = _random.NextDouble();
        var index = Array.BinarySearch(_cumulative, u);
        index = index < 0 ? ~index : index;
        return Math.Min(index, _cumulative.Length - 1);
    }
}
