namespace Orleans.Adaptive.Client;

/// <summary>How silos find each other and clients find silos.</summary>
public enum ClusteringMode
{
    /// <summary>
    /// Everything on this machine, over loopback: silos join the primary silo's in-memory membership and clients use
    /// fixed gateway ports. For development and the local demo.
    /// </summary>
    Localhost = 0,

    /// <summary>Membership in Redis: silos on any number of machines, clients learn the gateways from Redis.</summary>
    Redis = 1,
}

/// <summary>
/// Which cluster to connect to and how: shared by the client library, the <c>adaptive</c> tool and the silo host
/// (configuration section <c>Adaptive:Cluster</c>).
/// </summary>
public sealed class AdaptiveClusterOptions
{
    /// <summary>The default <see cref="ServiceId"/>.</summary>
    public const string DefaultServiceId = "orleans-adaptive";

    /// <summary>The default <see cref="ClusterId"/>.</summary>
    public const string DefaultClusterId = "local";

    /// <summary>The default gateway port of the first silo (Orleans' convention).</summary>
    public const int DefaultGatewayPort = 30000;

    /// <summary>The default silo-to-silo port of the first silo (Orleans' convention).</summary>
    public const int DefaultSiloPort = 11111;

    /// <summary>The default <see cref="ConnectTimeout"/>.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How members are found; default <see cref="ClusteringMode.Localhost"/>.</summary>
    public ClusteringMode Clustering { get; set; } = ClusteringMode.Localhost;

    /// <summary>
    /// Gateway ports on the loopback interface, for <see cref="ClusteringMode.Localhost"/>; default
    /// <see cref="DefaultGatewayPort"/>. Listing several lets a client survive the loss of one silo.
    /// </summary>
    public int[] GatewayPorts { get; set; } = [DefaultGatewayPort];

    /// <summary>
    /// StackExchange.Redis configuration string (<c>host:port[,password=…][,ssl=true]</c>), for
    /// <see cref="ClusteringMode.Redis"/>.
    /// </summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>The cluster's id: silos and clients of one cluster share it. Default <see cref="DefaultClusterId"/>.</summary>
    public string ClusterId { get; set; } = DefaultClusterId;

    /// <summary>The service's id, stable across deployments. Default <see cref="DefaultServiceId"/>.</summary>
    public string ServiceId { get; set; } = DefaultServiceId;

    /// <summary>How long a client keeps trying to reach the cluster before giving up. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = DefaultConnectTimeout;

    /// <summary>A short description of where the options point, for messages.</summary>
    public string Describe() => Clustering switch
    {
        ClusteringMode.Redis => $"cluster '{ClusterId}' (service '{ServiceId}') through Redis at {RedisProbe.Redact(RedisConnectionString)}",
        _ => $"cluster '{ClusterId}' (service '{ServiceId}') on localhost gateway port{(GatewayPorts.Length == 1 ? "" : "s")} {string.Join(", ", GatewayPorts)}",
    };
}
