using Orleans.Adaptive.Monitoring;

namespace Orleans.Adaptive.Tests.Monitoring;

public sealed class SampleRingTests
{
    [Fact]
    public void Ring_KeepsOnlyTheNewestSamples_WhenFull()
    {
        var ring = new SampleRing(3);
        for (var i = 1; i <= 5; i++)
        {
            ring.Add(Sample(i));
        }

        Assert.Equal(3, ring.Count);
        Assert.Equal([3L, 4L, 5L], Enumerable.Range(0, ring.Count).Select(i => ring[i].Sequence));
        Assert.Equal(5, ring.Latest!.Sequence);
    }

    [Fact]
    public void After_ReturnsSamplesPastTheSequence_OldestFirst_UpToTheLimit()
    {
        var ring = new SampleRing(10);
        for (var i = 1; i <= 15; i++)
        {
            ring.Add(Sample(i));
        }

        Assert.Equal([9L, 10L, 11L], ring.After(8, 3).Select(s => s.Sequence));
        Assert.Equal([6L, 7L], ring.After(0, 2).Select(s => s.Sequence)); // older ones were dropped
        Assert.Empty(ring.After(15, 10));
        Assert.Empty(ring.After(3, 0));
        Assert.Equal(Enumerable.Range(6, 10).Select(i => (long)i), ring.After(long.MinValue, 100).Select(s => s.Sequence));
    }

    [Fact]
    public void After_MatchesALinearScan_ForEveryCutAndFillLevel()
    {
        for (var capacity = 1; capacity <= 7; capacity++)
        {
            for (var added = 0; added <= 20; added++)
            {
                var ring = new SampleRing(capacity);
                var all = new List<NodeSample>();
                for (var i = 1; i <= added; i++)
                {
                    var sample = Sample(i * 2); // gaps in the sequence, as after dropped samples
                    ring.Add(sample);
                    all.Add(sample);
                }

                var kept = all.Skip(Math.Max(0, all.Count - capacity)).ToList();
                for (var after = -1; after <= added * 2 + 1; after++)
                {
                    var expected = kept.Where(s => s.Sequence > after).Take(3).Select(s => s.Sequence);
                    Assert.Equal(expected, ring.After(after, 3).Select(s => s.Sequence));
                }
            }
        }
    }

    [Fact]
    public void Add_RejectsSamplesOutOfOrder()
    {
        var ring = new SampleRing(4);
        ring.Add(Sample(5));
        Assert.Throws<ArgumentException>(() => ring.Add(Sample(5)));
        Assert.Throws<ArgumentException>(() => ring.Add(Sample(4)));
    }

    [Fact]
    public void Ring_NeedsRoomForAtLeastOneSample()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new SampleRing(0));

    private static NodeSample Sample(long sequence) => new()
    {
        Silo = "127.0.0.1:11111@1",
        Sequence = sequence,
        Timestamp = DateTimeOffset.UnixEpoch.AddSeconds(sequence),
    };
}
