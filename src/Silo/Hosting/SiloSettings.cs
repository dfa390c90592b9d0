using System.Net;
using Orleans.Adaptive.Client;

namespace Orleans.Adaptive.Silo.Hosting;

/// <summary>Where a silo keeps grain state.</summary>
internal enum StorageMode
{
    /// <summary>In the cluster's memory: lost when the silo holding it stops. For local clusters.</summary>
    Memory,

    /// <summary>In Redis: durable across silo loss and restarts.</summary>
    Redis,

    /// <summary>
    /// In this process, shared by every silo it hosts (<see cref="SiloSettings.ProcessStorage"/>): survives a silo
    /// stopping, not the process. For the local demo, which starts and stops silos.
    /// </summary>
    ProcessMemory,
}

/// <summary>Which exporter `serve` sends metrics to.</summary>
internal enum TelemetryExporter
{
    None,
    Console,
    Otlp,
}

/// <summary>Everything needed to build one silo host.</summary>
internal sealed record SiloSettings
{
    public required string Name { get; init; }

    public required AdaptiveClusterOptions Cluster { get; init; }

    public int SiloPort { get; init; } = AdaptiveClusterOptions.DefaultSiloPort;

    public int GatewayPort { get; init; } = AdaptiveClusterOptions.DefaultGatewayPort;

    /// <summary>The address other silos and clients use; null lets Orleans pick this machine's address.</summary>
    public IPAddress? AdvertisedAddress { get; init; }

    /// <summary>Bind to every interface rather than only the advertised address (containers, NAT).</summary>
    public bool ListenOnAnyAddress { get; init; }

    /// <summary>Silo-to-silo port of the primary silo, for localhost clustering.</summary>
    public int PrimarySiloPort { get; init; } = AdaptiveClusterOptions.DefaultSiloPort;

    public StorageMode Storage { get; init; } = StorageMode.Memory;

    /// <summary>The process's store, for <see cref="StorageMode.ProcessMemory"/>.</summary>
    public ProcessMemoryStore? ProcessStorage { get; init; }

    /// <summary>Redis for grain storage; defaults to the clustering Redis.</summary>
    public string? RedisStorageConnectionString { get; init; }

    public AdaptiveRuntimeOptions Runtime { get; init; } = new();

    public TelemetryExporter Telemetry { get; init; } = TelemetryExporter.None;

    public Uri? OtlpEndpoint { get; init; }

    public TimeSpan TelemetryExportInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How this silo finds its cluster, for log messages.</summary>
    public string DescribeClustering() => Cluster.Clustering switch
    {
        ClusteringMode.Redis => $"cluster '{Cluster.ClusterId}' (service '{Cluster.ServiceId}') through Redis at {RedisProbe.Redact(Cluster.RedisConnectionString)}",
        _ => $"cluster '{Cluster.ClusterId}' (service '{Cluster.ServiceId}') with localhost clustering, primary silo on port {PrimarySiloPort}",
    };
}
