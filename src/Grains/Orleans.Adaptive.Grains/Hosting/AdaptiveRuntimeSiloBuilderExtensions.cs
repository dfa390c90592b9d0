using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Adaptive;
using Orleans.Configuration;
using Orleans.Adaptive.Capacity;
using Orleans.Adaptive.Diagnostics;
using Orleans.Adaptive.Faults;
using Orleans.Adaptive.Hosting;
using Orleans.Adaptive.Monitoring;
using Orleans.Adaptive.Placement;

namespace Orleans.Hosting;

/// <summary>Adds Orleans.Adaptive to a silo.</summary>
public static class AdaptiveRuntimeSiloBuilderExtensions
{
    /// <summary>
    /// Adds the Orleans.Adaptive runtime to the silo: work partitions, the silo's node monitor (sampling, bounded
    /// history, request statistics of the work partitions), the supervisor, predicted-load placement, the simulated
    /// capacity and the <c>Orleans.Adaptive</c> meter.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Call it on every silo of the cluster. The options are validated when the silo starts, and an invalid value
    /// stops it with a message naming the option. Calling it again only applies <paramref name="configure"/>.
    /// </para>
    /// <para>
    /// Work partitions keep their state in the grain storage provider named <see cref="AdaptiveStorage.ProviderName"/>,
    /// which the host registers (memory for a local cluster, Redis or another durable provider in production).
    /// </para>
    /// </remarks>
    public static ISiloBuilder AddAdaptiveRuntime(this ISiloBuilder builder, Action<AdaptiveRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddServices(builder);
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        return builder;
    }

    /// <summary>
    /// Adds the Orleans.Adaptive runtime with options bound from <paramref name="configuration"/> (for instance the
    /// section <c>Adaptive:Runtime</c>); see <see cref="AddAdaptiveRuntime(ISiloBuilder, Action{AdaptiveRuntimeOptions}?)"/>.
    /// </summary>
    public static ISiloBuilder AddAdaptiveRuntime(this ISiloBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        AddServices(builder);
        builder.Services.Configure<AdaptiveRuntimeOptions>(configuration);
        return builder;
    }

    private static void AddServices(ISiloBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(static d => d.ServiceType == typeof(AdaptiveRuntimeMarker)))
        {
            return;
        }

        services.AddSingleton<AdaptiveRuntimeMarker>();
        services.AddOptions<AdaptiveRuntimeOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdaptiveRuntimeOptions>, AdaptiveRuntimeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<PartitionLoadRegistry>();
        services.TryAddSingleton<SimulatedCapacityExecutor>();
        services.TryAddSingleton<SiloFaultInjector>();
        services.TryAddSingleton<NetworkPartition>();
        services.Configure<SiloConnectionOptions>(static options =>
        {
            // Every connection of the silo can be stalled by an injected partition (a no-op unless fault injection is enabled).
            options.ConfigureSiloInboundConnection(Partitionable);
            options.ConfigureSiloOutboundConnection(Partitionable);
            options.ConfigureGatewayInboundConnection(Partitionable);
        });
        services.TryAddSingleton<ISiloWorkExecutor, FaultingWorkExecutor>();
        services.TryAddSingleton<IWorkHandler, NoOpWorkHandler>();

        services.TryAddSingleton<INodeResourceProbe, ProcessResourceProbe>();
        services.TryAddSingleton<RequestStatistics>();
        services.TryAddSingleton<OrleansMeterReader>();
        services.TryAddSingleton<NodeSampler>();
        services.TryAddSingleton<NodeSampleHistory>();
        services.TryAddSingleton<AdaptiveInstruments>();

        builder.AddPlacementDirector<SiloPinnedPlacement, SiloPinnedPlacementDirector>();
        services.TryAddSingleton<ClusterViewHolder>();
        builder.AddPlacementDirector<PredictedLoadPlacement, PredictedLoadPlacementDirector>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, AdaptiveRuntimeStartup>();
    }

    /// <summary>
    /// Counts every application grain call of the silo (not only work partitions' items) in the node monitor's
    /// request rate, latency percentiles and error rate, through an incoming-call filter.
    /// </summary>
    /// <remarks>
    /// Work partitions measure their own items, so without this the figures cover the work the runtime manages. The
    /// filter sits on every call of the silo; on the smallest calls it costs a few percent of throughput
    /// (bench/Overhead), which is why it is a choice.
    /// </remarks>
    public static ISiloBuilder AddAdaptiveCallStatistics(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddServices(builder);
        if (!builder.Services.Any(static d => d.ServiceType == typeof(CallStatisticsMarker)))
        {
            builder.Services.AddSingleton<CallStatisticsMarker>();
            builder.AddIncomingGrainCallFilter<RequestStatisticsFilter>();
        }

        return builder;
    }

    /// <summary>
    /// Makes <see cref="PredictedLoadPlacement"/> the placement of every grain class that names no placement of its
    /// own (Orleans' default is resource-optimized placement). Work partitions use it either way.
    /// </summary>
    public static ISiloBuilder UsePredictedLoadPlacementByDefault(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddServices(builder);
        // Orleans registers its default with TryAdd before the host's configuration runs; the last registration wins.
        builder.Services.AddSingleton<PlacementStrategy>(PredictedLoadPlacement.Instance);
        return builder;
    }

    private static void Partitionable(Microsoft.AspNetCore.Connections.IConnectionBuilder connection)
    {
        var services = connection.ApplicationServices;
        var partition = services.GetRequiredService<NetworkPartition>();
        var enabled = services.GetRequiredService<IOptions<AdaptiveRuntimeOptions>>().Value.FaultInjection.Enabled;
        connection.Use(next => partition.Middleware(next, enabled));
    }

    /// <summary>Marks that the runtime's services were added, so a second call adds nothing twice.</summary>
    private sealed class AdaptiveRuntimeMarker;

    /// <summary>Marks that the call-statistics filter was added.</summary>
    private sealed class CallStatisticsMarker;
}
