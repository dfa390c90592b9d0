using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Orleans.Adaptive.Client;
using Orleans.Adaptive.CommandLine;
using Orleans.Adaptive.Silo.Hosting;

namespace Orleans.Adaptive.Silo.Serve;

/// <summary>
/// `serve`: runs one production silo, configured by appsettings.json, environment variables and flags (flags win).
/// </summary>
internal static partial class ServeCommand
{
    // Each flag sets one configuration key, so a flag, an environment variable (Adaptive__Silo__SiloPort) and
    // appsettings.json ("Adaptive": { "Silo": { "SiloPort": … } }) are three ways to say the same thing.
    private static readonly (string Flag, string Key, string Help)[] Flags =
    [
        ("--clustering", "Adaptive:Cluster:Clustering", "How silos find each other: localhost or redis."),
        ("--redis", "Adaptive:Cluster:RedisConnectionString", "Redis connection string for clustering (and storage), e.g. 10.0.0.5:6379."),
        ("--cluster-id", "Adaptive:Cluster:ClusterId", "The cluster's id; every silo and client of the cluster uses the same."),
        ("--service-id", "Adaptive:Cluster:ServiceId", "The service's id, stable across deployments."),
        ("--name", "Adaptive:Silo:Name", "The silo's name (default: machine name and silo port)."),
        ("--silo-port", "Adaptive:Silo:SiloPort", "Silo-to-silo port (default 11111)."),
        ("--gateway-port", "Adaptive:Silo:GatewayPort", "Client gateway port (default 30000)."),
        ("--advertise", "Adaptive:Silo:AdvertisedAddress", "IP address other silos and clients reach this silo at (Redis clustering; default: this machine's)."),
        ("--listen-any", "Adaptive:Silo:ListenOnAnyAddress", "true to bind to every interface, not just the advertised address."),
        ("--primary-port", "Adaptive:Silo:PrimarySiloPort", "Silo port of the primary silo (localhost clustering; default 11111)."),
        ("--storage", "Adaptive:Silo:Storage", "Grain storage: memory or redis (default: redis with Redis clustering, else memory)."),
        ("--sample-interval", "Adaptive:Runtime:NodeMonitor:SampleInterval", "Node-monitor sampling interval (default 5s)."),
        ("--history", "Adaptive:Runtime:NodeMonitor:HistoryCapacity", "Samples kept per silo (default 720)."),
        ("--capacity", "Adaptive:Runtime:Capacity:WorkUnitsPerSecond", "Simulated capacity in work units per second (default unlimited)."),
        ("--max-queue", "Adaptive:Runtime:Capacity:MaxQueueLength", "Work items queued before new ones are refused (default 10000)."),
        ("--telemetry", "Adaptive:Telemetry:Exporter", "Metrics exporter: none, console or otlp (default none)."),
        ("--otlp-endpoint", "Adaptive:Telemetry:OtlpEndpoint", "OTLP endpoint (default http://localhost:4317)."),
        ("--export-interval", "Adaptive:Telemetry:ExportInterval", "How often metrics are exported (default 10s)."),
    ];

    public static Command Create()
    {
        var command = new Command("serve", "Run one production silo. Settings come from appsettings.json, environment variables (Adaptive__Cluster__Clustering=redis) and these flags, later ones winning.");
        var config = new Option<FileInfo?>("--config") { Description = "An extra JSON settings file, read after appsettings.json." };
        command.Options.Add(config);
        var options = new List<(Option<string?> Option, string Key)>();
        foreach (var (flag, key, help) in Flags)
        {
            var option = new Option<string?>(flag) { Description = help };
            command.Options.Add(option);
            options.Add((option, key));
        }

        command.SetAction((parse, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (option, key) in options)
            {
                if (parse.GetValue(option) is { } value)
                {
                    overrides[key] = value;
                }
            }

            return RunAsync(parse.GetValue(config), overrides, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(FileInfo? configFile, Dictionary<string, string?> overrides, CancellationToken cancellationToken)
    {
        if (configFile is not null && !configFile.Exists)
        {
            return CommandLineRunner.Fail(ExitCodes.InvalidInput, $"settings file '{configFile.FullName}' does not exist.");
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        try
        {
            builder.Configuration
                .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
                .AddJsonFile(Path.Combine(Environment.CurrentDirectory, "appsettings.json"), optional: true);
            if (configFile is not null)
            {
                builder.Configuration.AddJsonFile(configFile.FullName, optional: false);
            }

            builder.Configuration.AddEnvironmentVariables().AddInMemoryCollection(overrides);
        }
        catch (Exception exception) when (exception is InvalidDataException or FormatException or IOException)
        {
            return CommandLineRunner.Fail(ExitCodes.InvalidInput, $"cannot read settings: {CommandLineRunner.FirstLine(exception.Message)}");
        }

        var (settings, errors) = ServeSettingsReader.Read(builder.Configuration);
        if (settings is null)
        {
            return CommandLineRunner.Fail(ExitCodes.InvalidInput, errors);
        }

        if (await CheckRedisAsync(settings, cancellationToken) is { } redisError)
        {
            return CommandLineRunner.Fail(ExitCodes.Unreachable, redisError);
        }

        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
            options.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        if (builder.Configuration.GetSection("Logging:LogLevel:Default").Value is null)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Information);
            builder.Logging.AddFilter("Orleans", LogLevel.Warning);
            builder.Logging.AddFilter("Orleans.Adaptive", LogLevel.Information);
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        }

        SiloHostFactory.ConfigureSilo(builder, settings);
        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Orleans.Adaptive.Silo");
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (OptionsValidationException exception)
        {
            return CommandLineRunner.Fail(ExitCodes.InvalidInput, exception.Failures);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (Exception exception)
        {
            return CommandLineRunner.Fail(ExitCodes.Failed, $"the silo failed to start: {exception.GetType().Name}: {CommandLineRunner.FirstLine(exception.Message)}");
        }

        LogStarted(logger, settings.Name, settings.DescribeClustering(), settings.SiloPort, settings.GatewayPort, settings.Storage);
        // Ctrl+C, SIGTERM, or the host asked to stop (the supervisor asks a drained, quarantined silo to, when
        // configured): leave the cluster cleanly below.
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(Timeout.Infinite, stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        LogStopping(logger, settings.Name);
        using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StopAsync(stopTimeout.Token);
        return ExitCodes.Success;
    }

    private static async Task<string?> CheckRedisAsync(SiloSettings settings, CancellationToken cancellationToken)
    {
        var redis = new HashSet<string>(StringComparer.Ordinal);
        if (settings.Cluster.Clustering == ClusteringMode.Redis)
        {
            redis.Add(settings.Cluster.RedisConnectionString!);
        }

        if (settings.Storage == StorageMode.Redis)
        {
            redis.Add(settings.RedisStorageConnectionString ?? settings.Cluster.RedisConnectionString!);
        }

        foreach (var connection in redis)
        {
            try
            {
                await RedisProbe.CheckAsync(connection, cancellationToken: cancellationToken);
            }
            catch (RedisUnreachableException exception)
            {
                return exception.Message;
            }
        }

        return null;
    }

    [LoggerMessage(3001, LogLevel.Information, "Silo {Name} is up: {Cluster}, silo port {SiloPort}, gateway port {GatewayPort}, storage {Storage}. Ctrl+C or SIGTERM stops it.")]
    private static partial void LogStarted(ILogger logger, string name, string cluster, int siloPort, int gatewayPort, StorageMode storage);

    [LoggerMessage(3002, LogLevel.Information, "Silo {Name} is leaving the cluster.")]
    private static partial void LogStopping(ILogger logger, string name);
}
