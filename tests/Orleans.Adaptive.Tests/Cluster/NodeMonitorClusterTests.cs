using System.Diagnostics.Metrics;
using Orleans.Adaptive.Monitoring;
using Orleans.Core.Internal;
using Orleans.Runtime.Placement;

namespace Orleans.Adaptive.Tests.Cluster;

[Collection(AdaptiveClusterCollection.Name)]
public sealed class NodeMonitorClusterTests(AdaptiveClusterFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachSilo_HasItsOwnNodeMonitor_RunningOnThatSilo()
    {
        var silos = fixture.Cluster.Silos.Select(s => s.SiloAddress).ToList();
        Assert.Equal(3, silos.Count);
        foreach (var silo in silos)
        {
            var info = await fixture.Client.GetNodeMonitor(silo).GetInfo();
            Assert.Equal(NodeMonitorKey.For(silo), info.Silo); // reported by the hosting silo itself
        }

        // And Orleans' own bookkeeping agrees: one monitor activation per silo, on that silo.
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        var activations = await WaitForAsync(
            async () => (await management.GetDetailedGrainStatistics(types: null, hostsIds: null))
                .Where(a => a.GrainType.Contains(nameof(NodeMonitorGrain), StringComparison.Ordinal)).ToList(),
            list => list.Count == 3);
        foreach (var activation in activations)
        {
            Assert.Equal(activation.GrainId.Key.ToString(), NodeMonitorKey.For(activation.SiloAddress));
        }
    }

    [Fact]
    public async Task Monitors_ReportPlausibleSamples_AtTheConfiguredInterval()
    {
        for (var i = 0; i < 3; i++)
        {
            var silo = fixture.Cluster.Silos[i].SiloAddress;
            var monitor = fixture.Client.GetNodeMonitor(silo);
            var samples = await WaitForAsync(() => monitor.GetSamples(0, 100), s => s.Count >= 5);
            var info = await monitor.GetInfo();

            Assert.Equal(AdaptiveClusterFixture.SampleInterval, info.SampleInterval);
            Assert.Equal(AdaptiveClusterFixture.Capacities[i], info.CapacityWorkUnitsPerSecond);
            Assert.Equal(samples.Select(s => s.Sequence).Order(), samples.Select(s => s.Sequence));
            foreach (var sample in samples.Skip(1))
            {
                Assert.InRange(sample.IntervalSeconds, 0.1, 2.0);
                Assert.InRange(sample.CpuPercent!.Value, 0, 100);
                Assert.InRange(sample.MemoryUsedMb!.Value, 10, 100_000);
                Assert.True(sample.MemoryAvailableMb > 0);
                Assert.True(sample.ThreadPoolThreads >= 1);
                Assert.True(sample.ActivationCount >= 1);
                Assert.Equal(AdaptiveClusterFixture.Capacities[i], sample.CapacityWorkUnitsPerSecond);
                Assert.InRange(sample.Utilization!.Value, 0, 1);
                Assert.True(sample.QueueLength >= 0);
            }
        }

        // Every silo of this cluster has sampled by now, and all live in this process: their samples say so, and
        // the supervisor then leaves the process's thread pool and CPU out of their health.
        var latest = await fixture.Client.GetNodeMonitor(fixture.Cluster.Silos[0].SiloAddress).GetLatest();
        Assert.True(latest!.SilosInProcess >= fixture.Cluster.Silos.Count, $"SilosInProcess {latest.SilosInProcess}");
    }

    [Fact]
    public async Task Samples_ShowTheWorkOfPartitionsOnTheirSilo()
    {
        var silo = fixture.Cluster.Silos[2].SiloAddress; // capacity 500 units/s
        var partition = await fixture.PartitionOnAsync(silo, $"load-{Guid.NewGuid():N}");
        var monitor = fixture.Client.GetNodeMonitor(silo);
        var before = (await monitor.GetLatest())?.Sequence ?? 0;

        // 40 items of 5 units each, 200 units: 0.4 s of this silo's capacity.
        var producer = $"test-{Guid.NewGuid():N}";
        await Task.WhenAll(Enumerable.Range(1, 40).Select(i => partition.Submit(new WorkItem(producer, i, 5), Cancel)));

        var samples = await WaitForAsync(() => monitor.GetSamples(before, 100), s => s.Sum(x => (x.WorkUnitsPerSecond ?? 0) * x.IntervalSeconds) >= 199);
        var work = samples.Sum(s => (s.WorkUnitsPerSecond ?? 0) * s.IntervalSeconds);
        var busy = samples.Sum(s => (s.Utilization ?? 0) * s.IntervalSeconds);
        // At least our 200 units (work left over from another test sharing the cluster may land in the same samples),
        // and the silo was busy for exactly what it did at its capacity.
        Assert.InRange(work, 199, 400);
        Assert.Equal(work / 500, busy, tolerance: 0.05); // busy seconds = work / capacity
        Assert.Contains(samples, s => s.RequestsPerSecond > 0 && s.LatencyP99Ms > 0 && s.ErrorRate == 0);
        Assert.Contains(samples, s => s.PartitionCount >= 1);

        var loads = await monitor.GetPartitionLoads();
        Assert.NotNull(loads);
    }

    [Fact]
    public async Task AMonitorForASiloThatIsNotThere_FailsInsteadOfStartingElsewhere()
    {
        var ghost = SiloAddress.New(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1), 42);
        var monitor = fixture.Client.GetNodeMonitor(ghost);
        await Assert.ThrowsAnyAsync<Exception>(() => monitor.GetInfo().WaitAsync(TimeSpan.FromSeconds(20), Cancel));
    }

    [Fact]
    public async Task AMonitorAskedToMigrate_StaysOnItsSilo()
    {
        var home = fixture.Cluster.Silos[1].SiloAddress;
        var elsewhere = fixture.Cluster.Silos[0].SiloAddress;
        var monitor = fixture.Client.GetNodeMonitor(home);
        var startedAt = (await monitor.GetInfo()).StartedAt;

        RequestContext.Set(IPlacementDirector.PlacementHintKey, elsewhere);
        try
        {
            await monitor.Cast<IGrainManagementExtension>().MigrateOnIdle(Cancel);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        await Task.Delay(500, Cancel);
        var info = await monitor.GetInfo();
        Assert.Equal(NodeMonitorKey.For(home), info.Silo);
        Assert.Equal(startedAt, info.StartedAt); // not even restarted
    }

    [Fact]
    public async Task Samples_ArePublishedOnTheAdaptiveMeter_TaggedBySilo()
    {
        var silos = new HashSet<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Orleans.Adaptive" && instrument.Name == "adaptive.node.memory.used")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            Assert.True(value > 0);
            foreach (var tag in tags)
            {
                if (tag.Key == "silo")
                {
                    lock (silos)
                    {
                        silos.Add((string)tag.Value!);
                    }
                }
            }
        });
        listener.Start();
        await WaitForAsync(
            () =>
            {
                listener.RecordObservableInstruments();
                lock (silos)
                {
                    return Task.FromResult(silos.Count);
                }
            },
            count => count >= 3);
        Assert.Superset(fixture.Cluster.Silos.Select(s => NodeMonitorKey.For(s.SiloAddress)).ToHashSet(), silos);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                Assert.True(done(value), $"Condition not met within the timeout; last value: {value}");
                return value;
            }

            await Task.Delay(100, Cancel);
        }
    }
}
