using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Adaptive.Client;
using Orleans.Configuration;
using Orleans.Messaging;
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

        return builder.AvoidQuarantinedGateways();
    }

    /// <summary>
    /// Makes the client stop routing through gateways on silos the supervisor has quarantined, and refresh its
    /// gateway list every <paramref name="refreshPeriod"/> (default 2 s; Orleans' default is a minute), so it also
    /// drops gateways the supervisor evicts soon after. <see cref="UseAdaptiveClustering"/> does this; call it yourself
    /// after configuring your own clustering.
    /// </summary>
    /// <exception cref="InvalidOperationException">No clustering (gateway list provider) is configured yet.</exception>
    public static IClientBuilder AvoidQuarantinedGateways(this IClientBuilder builder, TimeSpan? refreshPeriod = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(static d => d.ServiceType == typeof(QuarantineAwareGatewayListProvider)))
        {
            return builder;
        }

        var inner = services.LastOrDefault(static d => d.ServiceType == typeof(IGatewayListProvider))
            ?? throw new InvalidOperationException("AvoidQuarantinedGateways wraps the client's gateway list: configure clustering (UseRedisClustering, UseLocalhostClustering, …) first.");
        services.Remove(inner);
        services.AddSingleton(sp => new QuarantineAwareGatewayListProvider(
            (IGatewayListProvider)(inner.ImplementationInstance ?? inner.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, inner.ImplementationType!)),
            sp,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<QuarantineAwareGatewayListProvider>>()));
        services.AddSingleton<IGatewayListProvider>(static sp => sp.GetRequiredService<QuarantineAwareGatewayListProvider>());
        var period = refreshPeriod ?? TimeSpan.FromSeconds(2);
        services.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = period);
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
