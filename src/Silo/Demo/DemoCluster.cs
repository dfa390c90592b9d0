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
    private readonly DemoSettings _demo;
    private readonly DemoPorts _ports;
    private readonly DemoLogSink _logSink;
    private readonly AdaptiveClusterOptions _cluster;

    // Silos stopped by the autoscaler; they keep their names taken.
    private readonly List<DemoSilo> _stopped = [];

    // Shared by every silo: a silo the autoscaler stops keeps nobody's state, as with a real database.
    private readonly ProcessMemoryStore _store = new();

    private DemoCluster(DemoSettings demo, DemoPorts ports, DemoLogSink logSink, AdaptiveClusterOptions cluster)
    {
        _silos = [];
        _demo = demo;
        _ports = ports;
        _logSink = logSink;
        _cluster = cluster;
    }

    /// <summary>The silos running now (a snapshot: the autoscaler changes the list from another task).</summary>
    public IReadOnlyList<DemoSilo> Silos
    {
        get
        {
            lock (_silos)
            {
                return _silos.ToArray();
            }
        }
    }

    /// <summary>How a client reaches this cluster: the gateways of the silos started at the beginning.</summary>
    public AdaptiveClusterOptions ClientOptions => _cluster;

    public static async Task<DemoCluster> StartAsync(DemoSettings demo, DemoPorts ports, DemoLogSink logSink, CancellationToken cancellationToken)
    {
        var cluster = new AdaptiveClusterOptions
        {
            Clustering = ClusteringMode.Localhost,
            ClusterId = demo.ClusterId,
            ServiceId = AdaptiveClusterOptions.DefaultServiceId,
            GatewayPorts = ports.GatewayPorts,
        };

        var started = new DemoCluster(demo, ports, logSink, cluster);
        try
        {
            for (var i = 0; i < demo.Silos; i++)
            {
                started._silos.Add(started.Build($"silo-{i}", demo.Capacities[i], ports.SiloPorts[i], ports.GatewayPorts[i]));
            }

            // The primary first: the others join through it.
            await started._silos[0].Host.StartAsync(cancellationToken);
            await Task.WhenAll(started._silos.Skip(1).Select(s => s.Host.StartAsync(cancellationToken)));
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo (on ports the system picks) and returns it once it has joined.</summary>
    public async Task<DemoSilo> AddSiloAsync(double capacity, CancellationToken cancellationToken)
    {
        var free = PortPicker.PickFree(2);
        var silo = Build($"silo-{_silos.Count + _stopped.Count}", capacity, free[0], free[1]);
        try
        {
            await silo.Host.StartAsync(cancellationToken);
        }
        catch
        {
            silo.Host.Dispose();
            throw;
        }

        lock (_silos)
        {
            _silos.Add(silo);
        }

        return silo;
    }

    /// <summary>Stops a silo gracefully (its activations deactivate; their state is in the shared store).</summary>
    public async Task StopSiloAsync(DemoSilo silo, CancellationToken cancellationToken)
    {
        lock (_silos)
        {
            if (silo == _silos[0])
            {
                throw new InvalidOperationException("The primary silo holds membership and cannot be stopped while the demo runs.");
            }

            _silos.Remove(silo);
            _stopped.Add(silo);
        }
        try
        {
            await silo.Host.StopAsync(cancellationToken);
        }
        finally
        {
            silo.Host.Dispose();
        }
    }

    private DemoSilo Build(string name, double capacity, int siloPort, int gatewayPort)
    {
        var runtime = new AdaptiveRuntimeOptions();
        runtime.NodeMonitor.SampleInterval = _demo.SampleInterval;
        runtime.NodeMonitor.HistoryCapacity = 3600;
        runtime.Capacity.WorkUnitsPerSecond = capacity;
        // About two seconds of queue: overload shows as refusals (and client retries), not minute-long waits.
        runtime.Capacity.MaxQueueLength = Math.Max(10, (int)(capacity * 2 / _demo.ItemCost));
        runtime.Adaptation.Enabled = _demo.Adaptation;
        // The degrading node is an injected fault.
        runtime.FaultInjection.Enabled = true;
        // The autoscaler may add silos up to MaxSilos and remove the ones it added, never the initial ones.
        runtime.Scaling.MinSilos = _demo.Silos;
        runtime.Scaling.MaxSilos = _demo.ScaleUpTo;
        var settings = new SiloSettings
        {
            Name = name,
            Cluster = _cluster,
            SiloPort = siloPort,
            GatewayPort = gatewayPort,
            PrimarySiloPort = _ports.SiloPorts[0],
            Storage = StorageMode.ProcessMemory,
            ProcessStorage = _store,
            Runtime = runtime,
        };

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddProvider(_logSink);
        SiloHostFactory.ConfigureSilo(builder, settings);
        return new DemoSilo(settings, builder.Build());
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
