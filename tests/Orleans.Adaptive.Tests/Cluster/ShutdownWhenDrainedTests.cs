using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;

namespace Orleans.Adaptive.Tests.Cluster;

/// <summary>
/// With <see cref="HealthOptions.ShutdownWhenDrained"/>, a quarantined silo is asked to stop once its partitions have
/// moved off. The test host does not run its silos' hosts to completion, so the test checks that the silo's host was
/// asked to stop (a `serve` process then leaves the cluster and exits).
/// </summary>
public sealed class ShutdownWhenDrainedTests : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var store = new ProcessMemoryStore();
        var builder = new InProcessTestClusterBuilder(3);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddProcessMemoryGrainStorage(AdaptiveStorage.ProviderName, store);
            silo.AddAdaptiveRuntime(runtime =>
            {
                runtime.NodeMonitor.SampleInterval = TimeSpan.FromMilliseconds(200);
                runtime.Capacity.WorkUnitsPerSecond = 1000;
                runtime.Health.ShutdownWhenDrained = true;
                runtime.Health.MaxQuarantinedFraction = 0.34; // one of three
            });
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task AQuarantinedSilo_IsAskedToStop_OnceDrained_AndItsPartitionsServeElsewhere()
    {
        var leaving = _cluster.Silos[2].SiloAddress;
        var key = NodeMonitorKey.For(leaving);
        var partitions = new List<IWorkPartitionGrain>();
        for (var i = 0; i < 4; i++)
        {
            var partition = _cluster.Client.GetGrain<IWorkPartitionGrain>($"drain-{i}-{Guid.NewGuid():N}");
            RequestContext.Set(IPlacementDirector.PlacementHintKey, leaving);
            try
            {
                await partition.Submit(new WorkItem("drain-test", 1, 1), Cancel);
            }
            finally
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }

            partitions.Add(partition);
        }

        var supervisor = _cluster.Client.GetSupervisor();
        await supervisor.SetQuarantine(key, true, "test: drain and leave");

        var lifetime = _cluster.Silos[2].ServiceProvider.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            Assert.True(DateTime.UtcNow < deadline, "the drained silo was not asked to stop within 40 s");
            await Task.Delay(200, Cancel);
        }

        var decisions = await supervisor.GetDecisions(0, 10_000);
        var shutdown = Assert.Single(decisions, d => d.Kind == DecisionKind.Shutdown);
        Assert.Equal(key, shutdown.Subject);
        Assert.True(decisions.Count(d => d.Kind == DecisionKind.Migration && d.From == key) >= 4);
        Assert.True(shutdown.Id > decisions.Where(d => d.Kind == DecisionKind.Migration && d.From == key).Max(d => d.Id), "asked to leave only after its partitions moved");
        foreach (var partition in partitions)
        {
            var status = await partition.GetStatus();
            Assert.NotEqual(key, status.Silo);
            Assert.Equal(1, status.ItemsApplied); // state travelled with the partition
        }
    }
}
