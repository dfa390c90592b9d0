using Orleans.Core.Internal;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Orleans.Adaptive.Tests.Cluster;

/// <summary>Node monitors keep their history through the loss of other silos and through their own reactivation.</summary>
public sealed class NodeMonitorResilienceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Monitors_AreNotRestarted_WhenOtherSilosLeave()
    {
        // Orleans deactivates activations whose grain-directory entry lived on a silo that leaves. Stopping every
        // silo but one, one at a time, takes away each survivor's directory owner at some point (unless a monitor's
        // entry happens to live on its own silo); a monitor that used the directory would restart and lose its
        // history. Checking every survivor after every stop makes a miss unlikely (under 10% for four silos).
        var builder = new InProcessTestClusterBuilder(4);
        builder.Options.ConfigureFileLogging = false;
        UseProductionGrainDirectory(builder.Options);
        builder.ConfigureSilo((_, silo) => silo
            .AddMemoryGrainStorage(AdaptiveStorage.ProviderName)
            .AddAdaptiveRuntime(options => options.NodeMonitor.SampleInterval = TimeSpan.FromMilliseconds(200)));
        var cluster = builder.Build();
        await cluster.DeployAsync(Cancel);
        try
        {
            var silos = cluster.Silos.ToList();
            var startedAt = new Dictionary<SiloAddress, DateTimeOffset>();
            foreach (var silo in silos)
            {
                startedAt[silo.SiloAddress] = (await cluster.Client.GetNodeMonitor(silo.SiloAddress).GetInfo()).StartedAt;
            }

            for (var stop = silos.Count - 1; stop >= 1; stop--)
            {
                await cluster.StopSiloAsync(silos[stop], Cancel);
                await Task.Delay(1000, Cancel); // time for the survivors to hear of it and react
                foreach (var survivor in silos.Take(stop))
                {
                    var info = await cluster.Client.GetNodeMonitor(survivor.SiloAddress).GetInfo();
                    Assert.True(
                        startedAt[survivor.SiloAddress] == info.StartedAt,
                        $"The monitor of {survivor.SiloAddress} restarted after {silos[stop].SiloAddress} left.");
                }
            }
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    /// <summary>
    /// The test cluster normally swaps in its own grain directory, which never deactivates anything when a silo
    /// leaves. Production silos use Orleans' default (DHT) directory, and that is the behaviour under test, so switch
    /// the swap off. The switch is internal to Orleans.TestingHost; fail loudly if it ever goes away.
    /// </summary>
    private static void UseProductionGrainDirectory(InProcessTestClusterOptions options)
    {
        var property = typeof(InProcessTestClusterOptions).GetProperty("UseTestClusterGrainDirectory", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public);
        Assert.NotNull(property);
        property.SetValue(options, false);
    }

    [Fact]
    public async Task AReactivatedMonitor_CarriesOnTheSameHistoryAndSequence()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo
            .AddMemoryGrainStorage(AdaptiveStorage.ProviderName)
            .AddAdaptiveRuntime(options => options.NodeMonitor.SampleInterval = TimeSpan.FromMilliseconds(100)));
        var cluster = builder.Build();
        await cluster.DeployAsync(Cancel);
        try
        {
            var monitor = cluster.Client.GetNodeMonitor(cluster.Silos[0].SiloAddress);
            while ((await monitor.GetInfo()).LatestSequence < 5)
            {
                await Task.Delay(100, Cancel);
            }

            var before = await monitor.GetInfo();
            await monitor.Cast<IGrainManagementExtension>().DeactivateOnIdle(Cancel);
            await Task.Delay(300, Cancel);

            var after = await monitor.GetInfo(); // reactivates it
            Assert.NotEqual(before.StartedAt, after.StartedAt);
            Assert.True(after.LatestSequence >= before.LatestSequence);
            while ((await monitor.GetInfo()).LatestSequence < before.LatestSequence + 3)
            {
                await Task.Delay(100, Cancel);
            }

            var samples = await monitor.GetSamples(0, 1000);
            Assert.Equal(Enumerable.Range(1, samples.Count).Select(i => (long)i), samples.Select(s => s.Sequence)); // no gap, no restart
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
