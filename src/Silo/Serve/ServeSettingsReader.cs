using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Orleans.Adaptive.Client;
using Orleans.Adaptive.Hosting;
using Orleans.Adaptive.Silo.Hosting;

namespace Orleans.Adaptive.Silo.Serve;

/// <summary>
/// Reads `serve`'s settings from configuration (appsettings.json, environment variables, flags, merged in that order)
/// and reports every invalid value at once, naming its key.
/// </summary>
/// <remarks>
/// Values are read by hand rather than bound, so that a bad value gets a message in our words (which key, what is
/// accepted) instead of a conversion exception.
/// </remarks>
internal static class ServeSettingsReader
{
    public const string Section = "Adaptive";

    public static (SiloSettings? Settings, List<string> Errors) Read(IConfiguration configuration)
    {
        var errors = new List<string>();
        var root = configuration.GetSection(Section);
        var clusterSection = root.GetSection("Cluster");
        var siloSection = root.GetSection("Silo");
        var runtimeSection = root.GetSection("Runtime");
        var telemetrySection = root.GetSection("Telemetry");

        var cluster = new AdaptiveClusterOptions
        {
            Clustering = ReadEnum(clusterSection, "Clustering", ClusteringMode.Localhost, ClusteringModeParser.TryParse, "'localhost' or 'redis'", errors),
            RedisConnectionString = NullIfEmpty(clusterSection["RedisConnectionString"]),
            ClusterId = clusterSection["ClusterId"] ?? AdaptiveClusterOptions.DefaultClusterId,
            ServiceId = clusterSection["ServiceId"] ?? AdaptiveClusterOptions.DefaultServiceId,
        };

        var siloPort = ReadInt(siloSection, "SiloPort", AdaptiveClusterOptions.DefaultSiloPort, 1, 65535, errors);
        var gatewayPort = ReadInt(siloSection, "GatewayPort", AdaptiveClusterOptions.DefaultGatewayPort, 1, 65535, errors);
        var primaryPort = ReadInt(siloSection, "PrimarySiloPort", AdaptiveClusterOptions.DefaultSiloPort, 1, 65535, errors);
        if (siloPort == gatewayPort)
        {
            errors.Add($"{Key(siloSection, "SiloPort")} and {Key(siloSection, "GatewayPort")} must differ (both are {siloPort}).");
        }

        IPAddress? advertised = null;
        if (NullIfEmpty(siloSection["AdvertisedAddress"]) is { } addressText && !IPAddress.TryParse(addressText, out advertised))
        {
            errors.Add($"{Key(siloSection, "AdvertisedAddress")} must be an IP address (was '{addressText}').");
        }

        var storageDefault = cluster.Clustering == ClusteringMode.Redis ? StorageMode.Redis : StorageMode.Memory;
        var storage = ReadEnum(siloSection, "Storage", storageDefault, TryParseStorage, "'memory' or 'redis'", errors);
        var storageRedis = NullIfEmpty(siloSection["RedisStorageConnectionString"]);
        if (storage == StorageMode.Redis && storageRedis is null && cluster.RedisConnectionString is null)
        {
            errors.Add($"{Key(siloSection, "Storage")} is redis, but no Redis is configured: set {Key(clusterSection, "RedisConnectionString")} (--redis) or {Key(siloSection, "RedisStorageConnectionString")}.");
        }

        var runtime = new AdaptiveRuntimeOptions();
        var monitor = runtimeSection.GetSection("NodeMonitor");
        runtime.NodeMonitor.SampleInterval = ReadDuration(monitor, "SampleInterval", NodeMonitorOptions.DefaultSampleInterval, errors);
        runtime.NodeMonitor.HistoryCapacity = ReadInt(monitor, "HistoryCapacity", NodeMonitorOptions.DefaultHistoryCapacity, int.MinValue, int.MaxValue, errors);
        var capacity = runtimeSection.GetSection("Capacity");
        runtime.Capacity.WorkUnitsPerSecond = ReadOptionalDouble(capacity, "WorkUnitsPerSecond", errors);
        runtime.Capacity.MaxQueueLength = ReadInt(capacity, "MaxQueueLength", SimulatedCapacityOptions.DefaultMaxQueueLength, int.MinValue, int.MaxValue, errors);
        runtime.Partitions.ProducerRetention = ReadDuration(runtimeSection.GetSection("Partitions"), "ProducerRetention", WorkPartitionOptions.DefaultProducerRetention, errors);

        // The supervisor's option groups are bound as they are; a value that does not convert is reported with its key.
        BindSection(runtimeSection, "Adaptation", runtime.Adaptation, errors);
        BindSection(runtimeSection, "Forecasting", runtime.Forecasting, errors);
        BindSection(runtimeSection, "Placement", runtime.Placement, errors);
        BindSection(runtimeSection, "Rebalancing", runtime.Rebalancing, errors);
        BindSection(runtimeSection, "Scaling", runtime.Scaling, errors);
        BindSection(runtimeSection, "Health", runtime.Health, errors);
        BindSection(runtimeSection, "FaultInjection", runtime.FaultInjection, errors);

        var exporter = ReadEnum(telemetrySection, "Exporter", TelemetryExporter.None, TryParseExporter, "'none', 'console' or 'otlp'", errors);
        Uri? otlp = null;
        if (NullIfEmpty(telemetrySection["OtlpEndpoint"]) is { } otlpText && !Uri.TryCreate(otlpText, UriKind.Absolute, out otlp))
        {
            errors.Add($"{Key(telemetrySection, "OtlpEndpoint")} must be an absolute URI such as http://localhost:4317 (was '{otlpText}').");
        }

        var exportInterval = ReadDuration(telemetrySection, "ExportInterval", TimeSpan.FromSeconds(10), errors);
        if (exportInterval <= TimeSpan.Zero)
        {
            errors.Add($"{Key(telemetrySection, "ExportInterval")} must be greater than zero (was {exportInterval}).");
        }

        // The same checks the running silo would make, reported now with everything else.
        errors.AddRange(AdaptiveClusterOptionsValidator.Collect(cluster).Where(static e => !e.Contains("GatewayPorts", StringComparison.Ordinal)));
        errors.AddRange(AdaptiveRuntimeOptionsValidator.Collect(runtime));

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var settings = new SiloSettings
        {
            Name = NullIfEmpty(siloSection["Name"]) ?? $"{Environment.MachineName}-{siloPort}",
            Cluster = cluster,
            SiloPort = siloPort,
            GatewayPort = gatewayPort,
            PrimarySiloPort = primaryPort,
            AdvertisedAddress = advertised,
            ListenOnAnyAddress = ReadBool(siloSection, "ListenOnAnyAddress", false, errors),
            Storage = storage,
            RedisStorageConnectionString = storageRedis,
            Runtime = runtime,
            Telemetry = exporter,
            OtlpEndpoint = otlp,
            TelemetryExportInterval = exportInterval,
        };
        return errors.Count > 0 ? (null, errors) : (settings, errors);
    }

    private delegate bool TryParser<T>(string text, out T value);

    private static void BindSection(IConfigurationSection runtime, string name, object target, List<string> errors)
    {
        var section = runtime.GetSection(name);
        try
        {
            section.Bind(target, static binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException exception)
        {
            errors.Add($"{section.Path}: {exception.Message}");
        }
    }

    private static T ReadEnum<T>(IConfigurationSection section, string key, T fallback, TryParser<T> parse, string accepted, List<string> errors)
    {
        var text = NullIfEmpty(section[key]);
        if (text is null)
        {
            return fallback;
        }

        if (parse(text, out var value))
        {
            return value;
        }

        errors.Add($"{Key(section, key)} must be {accepted} (was '{text}').");
        return fallback;
    }

    private static int ReadInt(IConfigurationSection section, string key, int fallback, int min, int max, List<string> errors)
    {
        var text = NullIfEmpty(section[key]);
        if (text is null)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add(min == int.MinValue
            ? $"{Key(section, key)} must be a whole number (was '{text}')."
            : $"{Key(section, key)} must be a whole number from {min} to {max} (was '{text}').");
        return fallback;
    }

    private static double? ReadOptionalDouble(IConfigurationSection section, string key, List<string> errors)
    {
        var text = NullIfEmpty(section[key]);
        if (text is null || string.Equals(text, "unlimited", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add($"{Key(section, key)} must be a number or 'unlimited' (was '{text}').");
        return null;
    }

    private static bool ReadBool(IConfigurationSection section, string key, bool fallback, List<string> errors)
    {
        var text = NullIfEmpty(section[key]);
        if (text is null)
        {
            return fallback;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        errors.Add($"{Key(section, key)} must be true or false (was '{text}').");
        return fallback;
    }

    private static TimeSpan ReadDuration(IConfigurationSection section, string key, TimeSpan fallback, List<string> errors)
    {
        var text = NullIfEmpty(section[key]);
        if (text is null)
        {
            return fallback;
        }

        if (DurationParser.TryParse(text, out var value))
        {
            return value;
        }

        errors.Add($"{Key(section, key)} must be a duration such as 5s, 500ms or 00:00:05 (was '{text}').");
        return fallback;
    }

    private static bool TryParseStorage(string text, out StorageMode mode)
        => Enum.TryParse(text, ignoreCase: true, out mode) && Enum.IsDefined(mode) && !int.TryParse(text, out _);

    private static bool TryParseExporter(string text, out TelemetryExporter exporter)
        => Enum.TryParse(text, ignoreCase: true, out exporter) && Enum.IsDefined(exporter) && !int.TryParse(text, out _);

    private static string Key(IConfigurationSection section, string key) => $"{section.Path}:{key}";

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
