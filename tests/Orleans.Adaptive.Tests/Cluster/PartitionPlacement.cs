using Orleans.Runtime.Placement;

namespace Orleans.Adaptive.Tests.Cluster;

/// <summary>Puts partitions where a test wants them.</summary>
internal static class PartitionPlacement
{
    /// <summary>
    /// A partition activated on <paramref name="silo"/> through a placement hint (as migrations place them); fails
    /// the test if it landed anywhere else.
    /// </summary>
    public static async Task<IWorkPartitionGrain> ActivatePartitionOnAsync(this IGrainFactory grains, SiloAddress silo, string id)
    {
        var partition = grains.GetGrain<IWorkPartitionGrain>(id);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            Assert.Equal(NodeMonitorKey.For(silo), (await partition.GetStatus()).Silo);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        return partition;
    }
}
