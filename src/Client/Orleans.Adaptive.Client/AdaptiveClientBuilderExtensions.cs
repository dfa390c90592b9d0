using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Adaptive.Client;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Orleans.Hosting;

/// <summary>Adds Orleans.Adaptive to an Orleans client.</summary>
public static class AdaptiveClientBuilderExtensions
{
    /// <summary>
    /// Points the client at a cluster: localhost gateways or Redis membership, plus the cluster and service ids.
    /// </summary>
    /// <exception cref="OptionsValidationException">The options cannot work; the message names each problem.</exception>
    public static IClientBuilder UseAdaptiveClustering(this IClientBuilder builder, AdaptiveClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(cluster);
        AdaptiveClusterOptionsValidator.ThrowIfInvalid(cluster);

        switch (cluster.Clustering)
        {
            case ClusteringMode.Localhost:
                builder.UseLocalhostClustering(cluster.GatewayPorts, cluster.ServiceId, cluster.ClusterId);
                break;
            case ClusteringMode.Redis:
                builder.UseRedisClustering(options => options.ConfigurationOptions = ConfigurationOptions.Parse(cluster.RedisConnectionString!));
                builder.Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = cluster.ClusterId;
                    options.ServiceId = cluster.ServiceId;
                });
                break;
        }

        return builder;
    }

    /// <summary>
    /// Adds the Orleans.Adaptive client services: <see cref="AdaptiveClusterClient"/> (cluster status, work producers).
    /// </summary>
    public static IClientBuilder AddAdaptiveClient(this IClientBuilder builder, Action<AdaptiveClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<AdaptiveClientOptions>().Validate(
            static options =>
            {
                options.Validate();
                return true;
            }).ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AdaptiveClusterClient>();
        return builder;
    }
}
