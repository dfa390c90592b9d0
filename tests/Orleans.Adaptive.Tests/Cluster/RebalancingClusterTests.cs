using Orleans.Hosting;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;

namespace Orleans.Adaptive.Tests.Cluster;

/// <summary>The supervisor's rebalancer, end to end, on its own three-silo cluster.</summary>
public sealed class RebalancingClusterTests : IAsyncLifetime
{
    private const int MaxMigrationsPerCycle = 2;
    private InProcessTestCluster _cluster = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(AdaptiveStorage.ProviderName);
            silo.AddAdaptiveRuntime(runtime =>
            {
                runtime.NodeMonitor.SampleInterval = TimeSpan.FromMilliseconds(200);
                runtime.Capacity.WorkUnitsPerSecond = 1000;
                runtime.Rebalancing.HotCycles = 2;
                runtime.Rebalancing.MaxMigrationsPerCycle = MaxMigrationsPerCycle;
                runtime.Rebalancing.PartitionCooldown = TimeSpan.FromSeconds(3);
            });
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task AHotSilo_IsRelievedByMigrations_WithinBudget_WithoutLosingOrFailingWork()
    {
        var hot = _cluster.Silos[0].SiloAddress;
        var partitions = new List<IWorkPartitionGrain>();
        for (var i = 0; i < 12; i++)
        {
            partitions.Add(await ActivateOnAsync(hot, $"rebalance-{i}-{Guid.NewGuid():N}"));
        }

        // ~65 work units/s per partition: the hot silo at ~80% of its capacity, the others idle.
        using var stop = new CancellationTokenSource();
        var producers = partitions.Select((p, i) => ProduceAsync(p, $"rebalance-producer-{i}", stop.Token)).ToArray();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        int[] perSilo;
        while (true)
        {
            perSilo = await CountPerSiloAsync(partitions);
            if (perSilo[0] <= 6 && perSilo[1] >= 2 && perSilo[2] >= 2)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not rebalanced within 40 s: partitions per silo {string.Join('/', perSilo)}");
            await Task.Delay(200, Cancel);
        }

        // Let it settle, then stop the load; every call so far succeeded (a failure would have thrown).
        await Task.Delay(2000, Cancel);
        await stop.CancelAsync();
        var acknowledged = await Task.WhenAll(producers);
        for (var i = 0; i < partitions.Count; i++)
        {
            Assert.Equal(acknowledged[i], (await partitions[i].GetStatus()).ItemsApplied);
        }

        var supervisor = _cluster.Client.GetSupervisor();
        var decisions = await supervisor.GetDecisions(0, 1000);
        var migrations = decisions.Where(d => d.Kind == DecisionKind.Migration).ToList();
        Assert.NotEmpty(migrations);
        Assert.All(migrations, m =>
        {
            Assert.Equal(NodeMonitorKey.For(hot), m.From);
            Assert.Contains("predicted", m.Reason, StringComparison.Ordinal);
            Assert.True(m.Inputs["fromUtilizationBefore"] > m.Inputs["balancedUtilization"]);
        });
        Assert.All(migrations.GroupBy(m => m.Cycle), cycle => Assert.True(cycle.Count() <= MaxMigrationsPerCycle));
        // Converged, not ping-ponging: fewer moves than partitions, none failed.
        Assert.InRange(migrations.Count, 4, 11);
        var status = await supervisor.GetStatus();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"partitions per silo {string.Join('/', await CountPerSiloAsync(partitions))}; {migrations.Count} migrations in {migrations.Select(m => m.Cycle).Distinct().Count()} cycles; " +
            $"forecast MAE {status.ForecastMeanAbsoluteError:0.0} vs last value {status.LastValueMeanAbsoluteError:0.0} units/s");
        Assert.Equal(0, status.MigrationsFailed);
        Assert.Equal(migrations.Count, status.Migrations);
    }

    private Task<IWorkPartitionGrain> ActivateOnAsync(SiloAddress silo, string id) => _cluster.Client.ActivatePartitionOnAsync(silo, id);

    private async Task<int[]> CountPerSiloAsync(List<IWorkPartitionGrain> partitions)
    {
        var silos = _cluster.Silos.Select(s => NodeMonitorKey.For(s.SiloAddress)).ToList();
        var counts = new int[silos.Count];
        foreach (var partition in partitions)
        {
            counts[silos.IndexOf((await partition.GetStatus()).Silo)]++;
        }

        return counts;
    }

    private static async Task<long> ProduceAsync(IWorkPartitionGrain partition, string producer, CancellationToken stop)
    {
        long acknowledged = 0;
        for (var sequence = 1; !stop.IsCancellationRequested; sequence++)
        {
            var receipt = await partition.Submit(new WorkItem(producer, sequence, 10), CancellationToken.None);
            Assert.Equal(WorkOutcome.Applied, receipt.Outcome);
            acknowledged++;
            await Task.Delay(140, CancellationToken.None);
        }

        return acknowledged;
    }
}
