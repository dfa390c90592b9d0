namespace Orleans.Adaptive.Learning.Statistics;

/// <summary>
/// A cumulative, lock-free histogram of durations with log-linear buckets (16 per power of two, so a bucket is at
/// most 1/16 ≈ 6% wide), covering 1 µs to about 25 days (longer durations share the last bucket).
/// </summary>
/// <remarks>
/// Recording is one interlocked increment. Counts only grow; percentiles of an interval come from the difference of
/// two snapshots (<see cref="HistogramSnapshot.Subtract"/>), so no recording is ever lost to a reset race.
/// </remarks>
public sealed class LatencyHistogram
{
    internal const int SubBucketBits = 4;
    internal const int SubBuckets = 1 << SubBucketBits;
    private const int MaxExponent = 40;
    internal const int BucketCount = SubBuckets + (MaxExponent - SubBucketBits + 1) * SubBuckets;

    private readonly long[] _counts = new long[BucketCount];

    /// <summary>Records one duration; negative durations count as zero.</summary>
    public void Record(TimeSpan duration)
    {
        var micros = duration.Ticks / 10;
        Interlocked.Increment(ref _counts[BucketOf(micros < 0 ? 0 : micros)]);
    }

    /// <summary>Copies the counts recorded so far.</summary>
    public HistogramSnapshot Snapshot()
    {
        var copy = new long[BucketCount];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = Volatile.Read(ref _counts[i]);
        }

        return new HistogramSnapshot(copy);
    }

    internal static int BucketOf(long micros)
    {
        if (micros < SubBuckets)
        {
            return (int)micros;
        }

        var exponent = 63 - (int)long.LeadingZeroCount(micros);
        if (exponent > MaxExponent)
        {
            return BucketCount - 1;
        }

        var mantissa = (int)(micros >> (exponent - SubBucketBits)) & (SubBuckets - 1);
        return SubBuckets + (exponent - SubBucketBits) * SubBuckets + mantissa;
    }

    /// <summary>Lower bound of a bucket, in microseconds.</summary>
    internal static double LowerBoundMicros(int bucket)
    {
        if (bucket < SubBuckets)
        {
            return bucket;
        }

        var exponent = (bucket - SubBuckets) / SubBuckets + SubBucketBits;
        var mantissa = (bucket - SubBuckets) % SubBuckets;
        return (1L << exponent) + ((long)mantissa << (exponent - SubBucketBits));
    }

    /// <summary>Width of a bucket, in microseconds.</summary>
    internal static double WidthMicros(int bucket)
        => bucket < SubBuckets ? 1 : 1L << ((bucket - SubBuckets) / SubBuckets);
}

/// <summary>An immutable copy of a <see cref="LatencyHistogram"/>'s counts.</summary>
public sealed class HistogramSnapshot
{
    /// <summary>A snapshot with no durations.</summary>
    public static readonly HistogramSnapshot Empty = new(new long[LatencyHistogram.BucketCount]);

    private readonly long[] _counts;

    /// <summary>Wraps bucket counts (one per bucket of <see cref="LatencyHistogram"/>).</summary>
    public HistogramSnapshot(long[] counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Length != LatencyHistogram.BucketCount)
        {
            throw new ArgumentException($"Expected {LatencyHistogram.BucketCount} bucket counts, got {counts.Length}.", nameof(counts));
        }

        _counts = counts;
        long total = 0;
        foreach (var count in counts)
        {
            total += count;
        }

        Count = total;
    }

    /// <summary>Number of durations recorded.</summary>
    public long Count { get; }

    /// <summary>Adds the counts of two snapshots (for instance of two silos).</summary>
    public HistogramSnapshot Add(HistogramSnapshot other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var sum = new long[_counts.Length];
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] = _counts[i] + other._counts[i];
        }

        return new HistogramSnapshot(sum);
    }

    /// <summary>The counts recorded after <paramref name="earlier"/> was taken.</summary>
    public HistogramSnapshot Subtract(HistogramSnapshot earlier)
    {
        var delta = new long[_counts.Length];
        for (var i = 0; i < delta.Length; i++)
        {
            delta[i] = Math.Max(0, _counts[i] - earlier._counts[i]);
        }

        return new HistogramSnapshot(delta);
    }

    /// <summary>
    /// The <paramref name="quantile"/> (0–1) in milliseconds, interpolated within its bucket; null when empty.
    /// </summary>
    public double? PercentileMs(double quantile)
    {
        if (Count == 0)
        {
            return null;
        }

        var rank = Math.Clamp(quantile, 0, 1) * Count;
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            var count = _counts[i];
            if (count == 0)
            {
                continue;
            }

            if (seen + count >= rank)
            {
                var fraction = Math.Clamp((rank - seen) / count, 0, 1);
                var micros = LatencyHistogram.LowerBoundMicros(i) + fraction * LatencyHistogram.WidthMicros(i);
                return micros / 1000.0;
            }

            seen += count;
        }

        return LatencyHistogram.LowerBoundMicros(_counts.Length - 1) / 1000.0;
    }
}
