using Orleans.Runtime.Placement;

namespace Orleans.Adaptive.Tests.Cluster;

/// <summary>A user's own grain, put under adaptive management as the README shows.</summary>
public interface IOrderBookGrain : IGrainWithStringKey
{
    Task Match(double workUnits);
}

public sealed class OrderBookGrain(ISiloWorkExecutor executor) : Grain, IOrderBookGrain
{
    private IDisposable? _tracking;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _tracking = executor.TrackPartition(this.GetGrainId()); // counts among the silo's partitions
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _tracking?.Dispose();
        return Task.CompletedTask;
    }

    public async Task Match(double workUnits) => await executor.ExecuteAsync(this.GetGrainId(), workUnits); // charged to the silo
}

[Collection(AdaptiveClusterCollection.Name)]
public sealed class UserGrainTests(AdaptiveClusterFixture fixture)
{
    [Fact]
    public async Task AUsersGrain_ShowsUpInItsSilosPartitionsAndLoad()
    {
        var silo = fixture.Cluster.Silos[0].SiloAddress;
        var book = fixture.Client.GetGrain<IOrderBookGrain>($"book-{Guid.NewGuid():N}");
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            await book.Match(1);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        // Judge only samples that begin after this test began: the sample in progress when it started can hold the
        // previous test's calls (a work partition's refused item counts as a failed request of its silo).
        var monitor = fixture.Client.GetNodeMonitor(silo);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var before = await NextSampleSequenceAsync(monitor, deadline);
        IReadOnlyList<PartitionLoad> loads = [];
        IReadOnlyList<NodeSample> samples = [];

        // Partition loads may show the grain before the monitor takes its next sample: wait for both.
        while (DateTime.UtcNow < deadline)
        {
            await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => book.Match(2)));
            loads = await monitor.GetPartitionLoads();
            samples = await monitor.GetSamples(before, 1000);
            if (loads.Any(l => l.GrainId == book.GetGrainId().ToString() && l.WorkUnitsPerSecond > 0)
                && samples.Any(s => s.RequestsPerSecond > 0))
            {
                break;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Contains(loads, l => l.GrainId == book.GetGrainId().ToString() && l.WorkUnitsPerSecond > 0);
        Assert.True((await monitor.GetLatest())!.PartitionCount >= 1);

        // With AddAdaptiveCallStatistics (the fixture adds it) the user's calls count as requests; tests of this
        // collection run one at a time, so nothing else calls this silo during these samples.
        Assert.Contains(samples, s => s.RequestsPerSecond > 0 && s.LatencyP99Ms > 0 && s.ErrorRate == 0);
    }

    /// <summary>The sequence of the first sample the monitor completes from now on.</summary>
    private static async Task<long> NextSampleSequenceAsync(INodeMonitorGrain monitor, DateTime deadline)
    {
        var current = (await monitor.GetLatest())?.Sequence ?? 0;
        while (DateTime.UtcNow < deadline)
        {
            if ((await monitor.GetLatest())?.Sequence is { } latest && latest > current)
            {
                return latest;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("The node monitor took no sample in 20 s.");
    }
}
