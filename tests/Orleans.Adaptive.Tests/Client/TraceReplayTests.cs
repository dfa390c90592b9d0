using Orleans.Adaptive.Client.Workload;
using Orleans.Adaptive.Learning.Data;

namespace Orleans.Adaptive.Tests.Client;

public sealed class TraceReplayTests
{
    [Fact]
    public void Replay_ScalesTheTraceToTheRequestedMean_AndInterpolatesBetweenRows()
    {
        var replay = new TraceReplay(Series(10, 30), TimeSpan.FromSeconds(1), meanItemsPerSecond: 100);
        Assert.Equal(50, replay.ItemsPerSecondAt(TimeSpan.Zero), 6); // 10 × (100 / 20)
        Assert.Equal(100, replay.ItemsPerSecondAt(TimeSpan.FromSeconds(0.5)), 6);
        Assert.Equal(150, replay.ItemsPerSecondAt(TimeSpan.FromSeconds(1)), 6);
        Assert.Equal(150, replay.PeakItemsPerSecond, 6);
    }

    [Fact]
    public void Replay_LoopsAtTheEnd()
    {
        var replay = new TraceReplay(Series(1, 2, 3), TimeSpan.FromSeconds(1), 2);
        Assert.Equal(replay.ItemsPerSecondAt(TimeSpan.FromSeconds(1)), replay.ItemsPerSecondAt(TimeSpan.FromSeconds(4)), 9);
        Assert.Equal(0, replay.RowAt(TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void Replay_FillsGapsWithTheLastKnownValue_AndRefusesAnEmptyTrace()
    {
        var replay = new TraceReplay(Series(double.NaN, 4, double.NaN, -3), TimeSpan.FromSeconds(1), 1);
        Assert.Equal(replay.ItemsPerSecondAt(TimeSpan.FromSeconds(1)), replay.ItemsPerSecondAt(TimeSpan.Zero), 9);
        Assert.Equal(replay.ItemsPerSecondAt(TimeSpan.FromSeconds(1)), replay.ItemsPerSecondAt(TimeSpan.FromSeconds(2)), 9);
        Assert.Equal(0, replay.ItemsPerSecondAt(TimeSpan.FromSeconds(3)));

        Assert.Throws<ArgumentException>(() => new TraceReplay(Series(double.NaN, double.NaN), TimeSpan.FromSeconds(1), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TraceReplay(Series(1), TimeSpan.Zero, 1));
    }

    [Fact]
    public void Zipf_FollowsItsShares_AndZeroSkewIsUniform()
    {
        var chooser = new ZipfPartitionChooser(10, 1.0, new Random(3));
        var counts = new int[10];
        for (var i = 0; i < 200_000; i++)
        {
            counts[chooser.Next()]++;
        }

        for (var k = 0; k < 10; k++)
        {
            Assert.Equal(chooser.Share(k), counts[k] / 200_000.0, 2);
        }

        Assert.Equal(2, chooser.Share(0) / chooser.Share(1), 6); // 1/1 over 1/2
        var uniform = new ZipfPartitionChooser(4, 0, new Random(1));
        Assert.All(Enumerable.Range(0, 4), k => Assert.Equal(0.25, uniform.Share(k), 9));
    }

    private static TimeSeries Series(params double[] values) => new("test", "value", values);
}
