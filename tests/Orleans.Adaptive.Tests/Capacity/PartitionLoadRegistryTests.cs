using Orleans.Adaptive.Capacity;

namespace Orleans.Adaptive.Tests.Capacity;

public sealed class PartitionLoadRegistryTests
{
    [Fact]
    public void UntrackedPartitions_AreForgotten_OnceTheyStopWorking()
    {
        var registry = new PartitionLoadRegistry();
        var tracked = GrainId.Create("workpartition", "tracked");
        var gone = GrainId.Create("workpartition", "gone");
        using var tracking = registry.Track(tracked);
        registry.RecordCompleted(gone, 2);

        var first = registry.ReadTotals(previous: null);
        Assert.Equal(2, first.Count);
        Assert.True(first[tracked].IsActive);
        Assert.False(first[gone].IsActive);

        var second = registry.ReadTotals(first); // "gone" did nothing since: dropped
        Assert.Equal([tracked], second.Keys);

        var third = registry.ReadTotals(second); // a tracked partition stays even when idle
        Assert.Equal([tracked], third.Keys);
    }
}
