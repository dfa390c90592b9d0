using Orleans.Adaptive.Learning.Statistics;

namespace Orleans.Adaptive.Tests.Monitoring;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_AreWithinTheBucketPrecision_OfTheExactOnes()
    {
        var random = new Random(42);
        var values = Enumerable.Range(0, 20_000).Select(_ => Math.Exp(random.NextDouble() * 12)).ToArray(); // 1 µs to ~160 ms
        var histogram = new LatencyHistogram();
        foreach (var micros in values)
        {
            histogram.Record(TimeSpan.FromTicks((long)(micros * 10)));
        }

        Array.Sort(values);
        var snapshot = histogram.Snapshot();
        foreach (var q in new[] { 0.5, 0.9, 0.95, 0.99, 0.999 })
        {
            var exactMs = values[(int)Math.Ceiling(q * values.Length) - 1] / 1000;
            var estimateMs = snapshot.PercentileMs(q)!.Value;
            // A bucket spans at most 1/16 of its lower bound (plus 1 µs of truncation).
            Assert.InRange(estimateMs, exactMs / (1 + 1.0 / 16) - 0.001, exactMs * (1 + 1.0 / 16) + 0.001);
        }
    }

    [Fact]
    public void Buckets_CoverEveryValue_InOrder_WithBoundsThatContainIt()
    {
        var previous = -1;
        var top = LatencyHistogram.LowerBoundMicros(LatencyHistogram.BucketCount - 1) + LatencyHistogram.WidthMicros(LatencyHistogram.BucketCount - 1);
        foreach (var micros in Enumerable.Range(0, 5000).Select(i => (long)Math.Pow(1.01, i)).Distinct().Where(m => m < top))
        {
            var bucket = LatencyHistogram.BucketOf(micros);
            Assert.True(bucket >= previous, $"bucket of {micros} went backwards");
            Assert.InRange(micros, LatencyHistogram.LowerBoundMicros(bucket), LatencyHistogram.LowerBoundMicros(bucket) + LatencyHistogram.WidthMicros(bucket) - 1);
            previous = bucket;
        }

        // Beyond the range (about 25 days), everything shares the last bucket.
        Assert.Equal(LatencyHistogram.BucketCount - 1, LatencyHistogram.BucketOf(long.MaxValue));
    }

    [Fact]
    public void Subtract_LeavesOnlyWhatWasRecordedBetweenSnapshots()
    {
        var histogram = new LatencyHistogram();
        for (var i = 0; i < 100; i++)
        {
            histogram.Record(TimeSpan.FromMilliseconds(1));
        }

        var first = histogram.Snapshot();
        for (var i = 0; i < 10; i++)
        {
            histogram.Record(TimeSpan.FromMilliseconds(50));
        }

        var delta = histogram.Snapshot().Subtract(first);
        Assert.Equal(10, delta.Count);
        Assert.InRange(delta.PercentileMs(0.5)!.Value, 48, 53);
        Assert.Null(HistogramSnapshot.Empty.PercentileMs(0.5));
    }

    [Fact]
    public void Record_CountsNegativeDurationsAsZero()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(TimeSpan.FromTicks(-100));
        Assert.Equal(1, histogram.Snapshot().Count);
        Assert.True(histogram.Snapshot().PercentileMs(1) < 0.002);
    }
}
