using Microsoft.Extensions.DependencyInjection;
using Orleans.Adaptive.Placement;
using Orleans.Core.Internal;
using Orleans.Runtime.Placement;

namespace Orleans.Adaptive.Tests.Cluster;

[Collection(AdaptiveClusterCollection.Name)]
public sealed class MigrationClusterTests(AdaptiveClusterFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AMigratedPartition_KeepsItsState_AndNoConcurrentCallFails()
    {
        var from = fixture.Cluster.Silos[0].SiloAddress;
        var to = fixture.Cluster.Silos[1].SiloAddress;
        var partition = await fixture.PartitionOnAsync(from, $"partition-{Guid.NewGuid():N}");

        // Producers call the grain directly, without the client's retries, so any failed call fails the test.
        using var stop = new CancellationTokenSource();
        var producers = Enumerable.Range(0, 4).Select(p => ProduceAsync(partition, $"migration-producer-{p}", stop.Token)).ToArray();
        await Task.Delay(300, Cancel);
        var before = await partition.GetStatus();
        Assert.True(before.ItemsApplied > 0);

        RequestContext.Set(IPlacementDirector.PlacementHintKey, to);
        try
        {
            await partition.Cast<IGrainManagementExtension>().MigrateOnIdle(Cancel);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        var moved = await WaitForAsync(partition, status => status.Silo == NodeMonitorKey.For(to));
        await Task.Delay(300, Cancel);
        await stop.CancelAsync();
        var acknowledged = (await Task.WhenAll(producers)).Sum();

        var after = await partition.GetStatus();
        Assert.Equal(NodeMonitorKey.For(to), after.Silo);
        Assert.NotEqual(before.ActivatedAt, moved.ActivatedAt);
        Assert.True(after.ItemsApplied > moved.ItemsApplied, "items kept flowing after the move");
        // Every acknowledged item is in the state that moved: nothing lost, nothing applied twice.
        Assert.Equal(acknowledged, after.ItemsApplied);
        Assert.Equal(0, after.DuplicatesIgnored);
    }

    [Fact]
    public async Task TheSupervisor_PublishesItsViewToEverySilo()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        foreach (var silo in fixture.Cluster.Silos)
        {
            var holder = silo.ServiceProvider.GetRequiredService<ClusterViewHolder>();
            while (holder.View is not { Silos.Count: 3 })
            {
                Assert.True(DateTime.UtcNow < deadline, $"silo {silo.SiloAddress} got no view of 3 silos within 20 s");
                await Task.Delay(100, Cancel);
            }

            var view = holder.View!;
            Assert.True(view.AdaptationEnabled);
            var capacities = fixture.Cluster.Silos.Select(s => view.Silos.Single(f => f.Silo == NodeMonitorKey.For(s.SiloAddress)).Capacity);
            Assert.Equal(AdaptiveClusterFixture.Capacities, capacities);
        }

        var status = await fixture.Client.GetSupervisor().GetStatus();
        Assert.Equal(3, status.Silos);
        Assert.True(status.Cycles > 0);
        Assert.True(status.AdaptationAllowed);
    }

    private static async Task<long> ProduceAsync(IWorkPartitionGrain partition, string producer, CancellationToken stop)
    {
        long acknowledged = 0;
        for (var sequence = 1; !stop.IsCancellationRequested; sequence++)
        {
            var receipt = await partition.Submit(new WorkItem(producer, sequence, 1), CancellationToken.None);
            Assert.Equal(WorkOutcome.Applied, receipt.Outcome);
            acknowledged++;
        }

        return acknowledged;
    }

    private static async Task<PartitionStatus> WaitForAsync(IWorkPartitionGrain partition, Func<PartitionStatus, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var status = await partition.GetStatus();
            if (condition(status))
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, "The partition did not move within 20 s.");
            await Task.Delay(20, Cancel);
        }
    }
}
