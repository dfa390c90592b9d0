using System.Diagnostics.CodeAnalysis;

namespace Orleans.Adaptive;

/// <summary>
/// Keys of node monitors: the silo's address in Orleans' parsable form (<c>host:port@generation</c>).
/// </summary>
public static class NodeMonitorKey
{
    /// <summary>Returns the key of <paramref name="silo"/>'s node monitor.</summary>
    public static string For(SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return silo.ToParsableString();
    }

    /// <summary>Reads the silo address back from a node monitor key.</summary>
    public static bool TryParse(string? key, [NotNullWhen(true)] out SiloAddress? silo)
        => SiloAddress.TryParse(key, out silo);

    /// <summary>Returns the node monitor of <paramref name="silo"/>.</summary>
    public static INodeMonitorGrain GetNodeMonitor(this IGrainFactory grainFactory, SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        return grainFactory.GetGrain<INodeMonitorGrain>(For(silo));
    }
}
