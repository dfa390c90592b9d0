using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Orleans.Adaptive.Client;
using Orleans.Configuration;
using Orleans.Storage;
using StackExchange.Redis;

namespace Orleans.Adaptive.Silo.Hosting;

/// <summary>Builds silo hosts from <see cref="SiloSettings"/>: the one place the demo and `serve` configure Orleans.</summary>
internal static class SiloHostFactory
{
    /// <summary>
    /// Configures <paramref name="builder"/> as an Orleans.Adaptive silo.
    /// </summary>
    /// <param name="builder">The host to configure; its configuration may add Orleans options (section <c>Orleans</c>).</param>
    /// <param name="settings">The silo's settings.</param>
    public static void ConfigureSilo(HostApplicationBuilder builder, SiloSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);

        builder.UseOrleans(silo =>
        {
            var cluster = settings.Cluster;
            switch (cluster.Clustering)
            {
                case ClusteringMode.Localhost:
                    silo.UseLocalhostClustering(
                        settings.SiloPort,
                        settings.GatewayPort,
                        new IPEndPoint(IPAddress.Loopback, settings.PrimarySiloPort),
                        cluster.ServiceId,
                        cluster.ClusterId);
                    break;
                case ClusteringMode.Redis:
                    silo.UseRedisClustering(options => options.ConfigurationOptions = ConfigurationOptions.Parse(cluster.RedisConnectionString!));
                    silo.Configure<ClusterOptions>(options =>
                    {
                        options.ClusterId = cluster.ClusterId;
                        options.ServiceId = cluster.ServiceId;
                    });
                    if (settings.AdvertisedAddress is { } address)
                    {
                        silo.ConfigureEndpoints(address, settings.SiloPort, settings.GatewayPort, settings.ListenOnAnyAddress);
                    }
                    else
                    {
                        silo.ConfigureEndpoints(settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
                    }

                    break;
            }

            silo.Configure<SiloOptions>(options => options.SiloName = settings.Name);

            // Orleans' own options (membership timings and the like) can be tuned from configuration.
            var orleans = builder.Configuration.GetSection("Orleans");
            silo.Services.Configure<ClusterMembershipOptions>(orleans.GetSection("Membership"));

            switch (settings.Storage)
            {
                case StorageMode.Memory:
                    silo.AddMemoryGrainStorage(AdaptiveStorage.ProviderName);
                    break;
                case StorageMode.ProcessMemory:
                    var store = settings.ProcessStorage ?? throw new InvalidOperationException("Process-memory storage needs the process's store.");
                    silo.AddProcessMemoryGrainStorage(AdaptiveStorage.ProviderName, store);
                    break;
                case StorageMode.Redis:
                    var storageRedis = settings.RedisStorageConnectionString ?? cluster.RedisConnectionString!;
                    silo.AddRedisGrainStorage(AdaptiveStorage.ProviderName, options => options.ConfigurationOptions = ConfigurationOptions.Parse(storageRedis));
                    break;
            }

            silo.AddAdaptiveRuntime(options =>
            {
                options.NodeMonitor = settings.Runtime.NodeMonitor;
                options.Capacity = settings.Runtime.Capacity;
                options.Partitions = settings.Runtime.Partitions;
                options.Adaptation = settings.Runtime.Adaptation;
                options.Forecasting = settings.Runtime.Forecasting;
                options.Placement = settings.Runtime.Placement;
                options.Rebalancing = settings.Runtime.Rebalancing;
                options.Scaling = settings.Runtime.Scaling;
                options.Health = settings.Runtime.Health;
                options.FaultInjection = settings.Runtime.FaultInjection;
            });
        });

        if (settings.Telemetry != TelemetryExporter.None)
        {
            builder.Services.AddOpenTelemetry()
                .ConfigureResource(resource => resource.AddService("orleans-adaptive-silo", serviceInstanceId: settings.Name))
                .WithMetrics(metrics =>
                {
                    metrics.AddAdaptiveInstrumentation();
                    var interval = (int)settings.TelemetryExportInterval.TotalMilliseconds;
                    if (settings.Telemetry == TelemetryExporter.Console)
                    {
                        metrics.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval);
                    }
                    else
                    {
                        metrics.AddOtlpExporter((exporter, reader) =>
                        {
                            if (settings.OtlpEndpoint is not null)
                            {
                                exporter.Endpoint = settings.OtlpEndpoint;
                            }

                            reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
                        });
                    }
                });
        }

        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));
    }
}
