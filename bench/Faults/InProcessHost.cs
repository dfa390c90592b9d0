using System.Globalization;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Orleans.Adaptive.Bench.Faults;

/// <summary>
/// Silos in this process (an <see cref="InProcessTestCluster"/>) sharing one storage, so a silo that dies loses only
/// what it had not written. In-silo faults only: the test host stops a "killed" silo gracefully and marks it dead at
/// once, so it does not exercise failure detection (the process host does).
/// </summary>
internal sealed class InProcessHost : IFaultHost
{
    private readonly InProcessTestCluster _cluster;
    private readonly Dictionary<int, InProcessSiloHandle> _handles;

    private InProcessHost(InProcessTestCluster cluster, Dictionary<int, InProcessSiloHandle> handles)
    {
        _cluster = cluster;
        _handles = handles;
        Silos = handles.OrderBy(h => h.Key).Select(h => h.Value.SiloAddress).ToList();
    }

    public IClusterClient Client => _cluster.Client;

    public IReadOnlyList<SiloAddress> Silos { get; }

    public static async Task<InProcessHost> StartAsync(FaultScenario scenario, bool adaptive, CancellationToken cancellationToken)
    {
        var store = new ProcessMemoryStore();
        var builder = new InProcessTestClusterBuilder((short)scenario.Silos);
        builder.Options.ClusterId = $"faults-{Guid.NewGuid():N}"[..30];
        builder.Options.ServiceId = "orleans-adaptive-bench-faults";
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Logging.ClearProviders();
            host.Logging.SetMinimumLevel(LogLevel.Error);
        });
        builder.ConfigureClientHost(host => host.Logging.ClearProviders());
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddProcessMemoryGrainStorage(AdaptiveStorage.ProviderName, store);
            silo.AddAdaptiveRuntime(runtime => FaultRun.ConfigureRuntime(runtime, scenario, adaptive));
        });

        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync(cancellationToken);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        var handles = cluster.Silos.ToDictionary(h => int.Parse(h.Name["Silo_".Length..], CultureInfo.InvariantCulture));
        return new InProcessHost(cluster, handles);
    }

    public Task KillAsync(int silo) => _cluster.KillSiloAsync(_handles[silo]);

    public Task FreezeAsync(int silo) => throw new NotSupportedException("A silo in this process cannot be frozen; use \"host\": \"processes\".");

    public Task PartitionAsync(int silo) => throw new NotSupportedException("A silo in this process cannot be partitioned; use \"host\": \"processes\".");

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();
}
