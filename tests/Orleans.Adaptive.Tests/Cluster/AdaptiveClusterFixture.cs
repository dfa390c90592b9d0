using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;

namespace Orleans.Adaptive.Tests.Cluster;

/// <summary>
/// A three-silo in-process cluster with the adaptive runtime, fast sampling, per-silo capacities and a storage
/// provider whose writes a test can make fail. Shared by the tests of one collection; each test uses its own grain
/// keys.
/// </summary>
public sealed class AdaptiveClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(200);
    public static readonly double[] Capacities = [1000, 2000, 500];

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((options, silo) =>
        {
            var index = int.Parse(options.SiloName.Split('_')[1], System.Globalization.CultureInfo.InvariantCulture);
            silo.AddMemoryGrainStorage("adaptive-inner");
            silo.Services.AddKeyedSingleton<Storage.IGrainStorage>(
                AdaptiveStorage.ProviderName,
                (services, _) => new FlakyGrainStorage(services.GetRequiredKeyedService<Storage.IGrainStorage>("adaptive-inner")));
            silo.AddAdaptiveRuntime(runtime =>
            {
                runtime.NodeMonitor.SampleInterval = SampleInterval;
                runtime.NodeMonitor.HistoryCapacity = 50;
                runtime.Capacity.WorkUnitsPerSecond = Capacities[index];
                runtime.Capacity.MaxQueueLength = 1000;
                // These tests pin partitions where they put them; rebalancing has its own cluster tests.
                runtime.Rebalancing.Enabled = false;
            });
            silo.AddAdaptiveCallStatistics();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>A partition activated on <paramref name="silo"/> (through a placement hint, as migrations use).</summary>
    public Task<IWorkPartitionGrain> PartitionOnAsync(SiloAddress silo, string id) => Client.ActivatePartitionOnAsync(silo, id);
}

[CollectionDefinition(Name)]
public sealed class AdaptiveClusterCollection : ICollectionFixture<AdaptiveClusterFixture>
{
    public const string Name = "adaptive cluster";
}
