using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Adaptive.Client;
using Orleans.Adaptive.Silo.Hosting;

namespace Orleans.Adaptive.Silo.Demo;

/// <summary>
/// The demo's silos: several Orleans silos in this one process, each its own host with its own services, talking
/// over loopback TCP with localhost clustering (silo 0 is the primary that holds membership) and in-memory storage.
/// </summary>
internal sealed class DemoCluster : IAsyncDisposable
{
    private readonly List<DemoSilo> _silos;

    private DemoCluster(List<DemoSilo> silos, AdaptiveClusterOptions clientOptions)
    {
        _silos = silos;
        ClientOptions = clientOptions;
    }

    public IReadOnlyList<DemoSilo> Silos => _silos;

    /// <summary>How a client reaches this cluster: every silo's gateway.</summary>
    public AdaptiveClusterOptions ClientOptions { get; }

    public static async Task<DemoCluster> StartAsync(DemoSettings demo, DemoPorts ports, DemoLogSink logSink, CancellationToken cancellationToken)
    {
        var cluster = new AdaptiveClusterOptions
        {
            Clustering = ClusteringMode.Localhost,
            ClusterId = demo.ClusterId,
            ServiceId = AdaptiveClusterOptions.DefaultServiceId,
            GatewayPorts = ports.GatewayPorts,
        };

        var silos = new List<DemoSilo>();
        for (var i = 0; i < demo.Silos; i++)
        {
            var capacity = demo.Capacities[i];
            var runtime = new AdaptiveRuntimeOptions();
            runtime.NodeMonitor.SampleInterval = demo.SampleInterval;
            runtime.NodeMonitor.HistoryCapacity = 3600;
            runtime.Capacity.WorkUnitsPerSecond = capacity;
            // About two seconds of queue: overload shows as refusals (and client retries), not minute-long waits.
            runtime.Capacity.MaxQueueLength = Math.Max(10, (int)(capacity * 2 / demo.ItemCost));
            var settings = new SiloSettings
            {
                Name = $"silo-{i}",
                Cluster = cluster,
                SiloPort = ports.SiloPorts[i],
                GatewayPort = ports.GatewayPorts[i],
                PrimarySiloPort = ports.SiloPorts[0],
                Storage = StorageMode.Memory,
                Runtime = runtime,
            };

            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Logging.AddProvider(logSink);
            SiloHostFactory.ConfigureSilo(builder, settings);
            silos.Add(new DemoSilo(settings, builder.Build()));
        }

        var started = new DemoCluster(silos, cluster);
        try
        {
            // The primary first: the others join through it.
            await silos[0].Host.StartAsync(cancellationToken);
            await Task.WhenAll(silos.Skip(1).Select(s => s.Host.StartAsync(cancellationToken)));
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Secondaries first, the primary (which holds membership) last.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        for (var i = _silos.Count - 1; i >= 0; i--)
        {
            try
            {
                await _silos[i].Host.StopAsync(timeout.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or OrleansException or ObjectDisposedException)
            {
                // Shutting down: a silo that cannot stop cleanly is torn down below.
            }
            finally
            {
                _silos[i].Host.Dispose();
            }
        }
    }
}

/// <summary>One of the demo's silos.</summary>
internal sealed record DemoSilo(SiloSettings Settings, IHost Host)
{
    public string Name => Settings.Name;

    public double Capacity => Settings.Runtime.Capacity.WorkUnitsPerSecond ?? 0;

    /// <summary>The silo's address as its node monitor key, once it has started.</summary>
    public string Address => NodeMonitorKey.For(Host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress);
}

/// <summary>The demo's ports, one silo port and one gateway port per silo.</summary>
internal sealed record DemoPorts(int[] SiloPorts, int[] GatewayPorts, bool UsedFallback)
{
    /// <summary>
    /// The requested or default consecutive ports when free; otherwise (defaults only) ports the system picks.
    /// </summary>
    public static DemoPorts Choose(DemoSettings demo, out string? error)
    {
        error = null;
        var siloBase = demo.SiloPort ?? AdaptiveClusterOptions.DefaultSiloPort;
        var gatewayBase = demo.GatewayPort ?? AdaptiveClusterOptions.DefaultGatewayPort;
        var silos = Enumerable.Range(siloBase, demo.Silos).ToArray();
        var gateways = Enumerable.Range(gatewayBase, demo.Silos).ToArray();
        if (silos.Concat(gateways).All(PortPicker.IsFree))
        {
            return new DemoPorts(silos, gateways, UsedFallback: false);
        }

        if (demo.SiloPort is not null || demo.GatewayPort is not null)
        {
            error = $"ports {siloBase}-{siloBase + demo.Silos - 1} (silos) or {gatewayBase}-{gatewayBase + demo.Silos - 1} (gateways) are in use; choose others with --silo-port and --gateway-port, or leave both out to pick free ones.";
            return new DemoPorts(silos, gateways, false);
        }

        var free = PortPicker.PickFree(demo.Silos * 2);
        return new DemoPorts(free[..demo.Silos], free[demo.Silos..], UsedFallback: true);
    }
}
