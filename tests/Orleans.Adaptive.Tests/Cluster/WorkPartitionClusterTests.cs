using Orleans.Core.Internal;

namespace Orleans.Adaptive.Tests.Cluster;

[Collection(AdaptiveClusterCollection.Name)]
public sealed class WorkPartitionClusterTests(AdaptiveClusterFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARetriedItem_IsAppliedOnce()
    {
        var partition = fixture.Client.GetGrain<IWorkPartitionGrain>(NewId());
        var item = new WorkItem("producer-a", 1, 2);

        var first = await partition.Submit(item, Cancel);
        var retry = await partition.Submit(item, Cancel);

        Assert.Equal(WorkOutcome.Applied, first.Outcome);
        Assert.Equal(WorkOutcome.Duplicate, retry.Outcome);
        var status = await partition.GetStatus();
        Assert.Equal(1, status.ItemsApplied);
        Assert.Equal(2, status.WorkUnitsApplied);
    }

    [Fact]
    public async Task ConcurrentCopiesOfAnItem_AreAppliedOnce()
    {
        var partition = fixture.Client.GetGrain<IWorkPartitionGrain>(NewId());
        var receipts = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => partition.Submit(new WorkItem("producer-b", 7, 50), Cancel)));

        Assert.Single(receipts, r => r.Outcome == WorkOutcome.Applied);
        Assert.Equal(19, receipts.Count(r => r.Outcome == WorkOutcome.Duplicate));
        Assert.Equal(1, (await partition.GetStatus()).ItemsApplied);
    }

    [Fact]
    public async Task State_SurvivesDeactivation_AndRetriesAreStillRecognised()
    {
        var id = NewId();
        var partition = fixture.Client.GetGrain<IWorkPartitionGrain>(id);
        for (var sequence = 1; sequence <= 10; sequence++)
        {
            await partition.Submit(new WorkItem("producer-c", sequence, 1), Cancel);
        }

        var before = await partition.GetStatus();
        await partition.Cast<IGrainManagementExtension>().DeactivateOnIdle(Cancel);
        var after = await WaitForReactivationAsync(partition, before.ActivatedAt);

        Assert.Equal(10, after.ItemsApplied);
        Assert.Equal(10, after.WorkUnitsApplied);
        Assert.Equal(WorkOutcome.Duplicate, (await partition.Submit(new WorkItem("producer-c", 4, 1), Cancel)).Outcome);
        Assert.Equal(WorkOutcome.Applied, (await partition.Submit(new WorkItem("producer-c", 11, 1), Cancel)).Outcome);
        Assert.Equal(11, (await partition.GetStatus()).ItemsApplied);
    }

    [Fact]
    public async Task AnItemOlderThanTheWindow_IsRefusedAsStale_NotGuessed()
    {
        var partition = fixture.Client.GetGrain<IWorkPartitionGrain>(NewId());
        await partition.Submit(new WorkItem("producer-d", 1000, 1), Cancel);
        var refused = await Assert.ThrowsAsync<WorkRejectedException>(() => partition.Submit(new WorkItem("producer-d", 1000 - ProducerWindow.Size, 1), Cancel));
        Assert.Equal(WorkRejectionReason.Stale, refused.Reason);
        Assert.False(refused.IsRetryable);
        Assert.Equal(1, (await partition.GetStatus()).ItemsApplied);
    }

    [Fact]
    public async Task AMalformedItem_IsRefusedWithTheFieldNamed()
    {
        var partition = fixture.Client.GetGrain<IWorkPartitionGrain>(NewId());
        var error = await Assert.ThrowsAsync<ArgumentException>(() => partition.Submit(new WorkItem("p", 1, double.NaN), Cancel));
        Assert.Contains("Cost", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await partition.GetStatus()).ItemsApplied);
    }

    [Fact]
    public async Task AFailedWrite_RestartsThePartitionFromStorage_AndTheRetryIsAppliedExactlyOnce()
    {
        var id = NewId();
        var partition = fixture.Client.GetGrain<IWorkPartitionGrain>(id);
        await partition.Submit(new WorkItem("producer-e", 1, 1), Cancel);
        var activatedAt = (await partition.GetStatus()).ActivatedAt;

        FlakyGrainStorage.FailNextWrites(partition.GetGrainId(), 1);
        var refused = await Assert.ThrowsAsync<WorkRejectedException>(() => partition.Submit(new WorkItem("producer-e", 2, 1), Cancel));
        Assert.Equal(WorkRejectionReason.Restarting, refused.Reason);
        Assert.True(refused.IsRetryable);

        // The partition restarts from what storage really holds (item 1 only) and applies the retry once.
        var status = await WaitForReactivationAsync(partition, activatedAt);
        Assert.Equal(1, status.ItemsApplied);
        Assert.Equal(WorkOutcome.Applied, (await partition.Submit(new WorkItem("producer-e", 2, 1), Cancel)).Outcome);
        Assert.Equal(WorkOutcome.Duplicate, (await partition.Submit(new WorkItem("producer-e", 2, 1), Cancel)).Outcome);
        Assert.Equal(2, (await partition.GetStatus()).ItemsApplied);
    }

    [Fact]
    public async Task Work_TakesTheTimeTheSilosCapacityAllows()
    {
        var silo = fixture.Cluster.Silos[2].SiloAddress; // 500 units/s
        var partition = await fixture.PartitionOnAsync(silo, NewId());
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(1, 50).Select(i => partition.Submit(new WorkItem("producer-f", i, 5), Cancel))); // 250 units
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        Assert.True(elapsed >= TimeSpan.FromSeconds(0.45), $"250 units at 500 units/s took only {elapsed.TotalSeconds:0.000} s");
    }

    private static async Task<PartitionStatus> WaitForReactivationAsync(IWorkPartitionGrain partition, DateTimeOffset previousActivation)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                var status = await partition.GetStatus();
                if (status.ActivatedAt != previousActivation)
                {
                    return status;
                }
            }
            catch (WorkRejectedException)
            {
                // Still restarting.
            }

            Assert.True(DateTime.UtcNow < deadline, "The partition was not reactivated within 20 s.");
            await Task.Delay(100, Cancel);
        }
    }

    private static string NewId() => $"partition-{Guid.NewGuid():N}";
}
