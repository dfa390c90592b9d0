using System.CommandLine;
using System.Globalization;
using Orleans.Adaptive.Client;
using Orleans.Adaptive.CommandLine;

namespace Orleans.Adaptive.Cli;

/// <summary>
/// The flags every command uses to find the cluster. Each falls back to the environment variable with the same
/// configuration key as the silo host (<c>Adaptive__Cluster__Clustering</c> and so on), then to the local demo's
/// defaults.
/// </summary>
internal sealed class ConnectionOptions
{
    private readonly Option<string?> _clustering = new("--clustering") { Description = "How to find the cluster: localhost (default) or redis. Env: Adaptive__Cluster__Clustering." };
    private readonly Option<string?> _redis = new("--redis") { Description = "Redis connection string, for redis clustering. Env: Adaptive__Cluster__RedisConnectionString." };
    private readonly Option<string?> _gatewayPorts = new("--gateway-port") { Description = "Localhost gateway port(s), comma-separated (default 30000,30001,30002). Env: Adaptive__Cluster__GatewayPorts." };
    private readonly Option<string?> _clusterId = new("--cluster-id") { Description = "Cluster id (default local). Env: Adaptive__Cluster__ClusterId." };
    private readonly Option<string?> _serviceId = new("--service-id") { Description = "Service id (default orleans-adaptive). Env: Adaptive__Cluster__ServiceId." };
    private readonly Option<string?> _timeout = new("--timeout") { Description = "How long to try to connect (default 5s)." };

    public void AddTo(Command command)
    {
        command.Options.Add(_clustering);
        command.Options.Add(_redis);
        command.Options.Add(_gatewayPorts);
        command.Options.Add(_clusterId);
        command.Options.Add(_serviceId);
        command.Options.Add(_timeout);
    }

    /// <summary>
    /// Reads the flags, connects to the cluster and runs <paramref name="action"/> with the connection, which is
    /// closed afterwards. Bad flags exit with <see cref="ExitCodes.InvalidInput"/>, an unreachable cluster with
    /// <see cref="ExitCodes.Unreachable"/>.
    /// </summary>
    public async Task<int> RunConnectedAsync(ParseResult parse, Func<ClusterConnection, AdaptiveClusterOptions, Task<int>> action, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var cluster = Read(parse, errors);
        if (cluster is null)
        {
            return CommandLineRunner.Fail(ExitCodes.InvalidInput, errors);
        }

        ClusterConnection connected;
        try
        {
            connected = await ClusterConnection.ConnectAsync(cluster, cancellationToken: cancellationToken);
        }
        catch (ClusterConnectionException exception)
        {
            return CommandLineRunner.Fail(ExitCodes.Unreachable, exception.Message);
        }

        await using (connected)
        {
            return await action(connected, cluster);
        }
    }

    /// <summary>Reads the flags (and environment), returning the options or the problems with them.</summary>
    public AdaptiveClusterOptions? Read(ParseResult parse, List<string> errors)
    {
        var options = new AdaptiveClusterOptions();
        var clustering = Value(parse, _clustering, "Adaptive__Cluster__Clustering");
        if (clustering is not null)
        {
            if (ClusteringModeParser.TryParse(clustering, out var mode))
            {
                options.Clustering = mode;
            }
            else
            {
                errors.Add($"--clustering: unknown clustering mode '{clustering}': expected 'localhost' or 'redis'.");
            }
        }

        options.RedisConnectionString = Value(parse, _redis, "Adaptive__Cluster__RedisConnectionString");
        options.ClusterId = Value(parse, _clusterId, "Adaptive__Cluster__ClusterId") ?? AdaptiveClusterOptions.DefaultClusterId;
        options.ServiceId = Value(parse, _serviceId, "Adaptive__Cluster__ServiceId") ?? AdaptiveClusterOptions.DefaultServiceId;

        // The local demo's three gateways by default, so the tool still connects if silo-0 is the one that is down.
        options.GatewayPorts = [30000, 30001, 30002];
        var ports = Value(parse, _gatewayPorts, "Adaptive__Cluster__GatewayPorts");
        if (ports is not null)
        {
            var parsed = new List<int>();
            foreach (var part in ports.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
                {
                    parsed.Add(port);
                }
                else
                {
                    errors.Add($"--gateway-port: '{part}' is not a TCP port (1-65535).");
                }
            }

            options.GatewayPorts = [.. parsed];
        }

        if (parse.GetValue(_timeout) is { } timeout)
        {
            if (DurationParser.TryParse(timeout, out var value) && value > TimeSpan.Zero)
            {
                options.ConnectTimeout = value;
            }
            else
            {
                errors.Add($"--timeout: '{timeout}' is not a positive duration (write for example 5s or 500ms).");
            }
        }

        errors.AddRange(AdaptiveClusterOptionsValidator.Collect(options));
        return errors.Count == 0 ? options : null;
    }

    private static string? Value(ParseResult parse, Option<string?> option, string environmentVariable)
    {
        var value = parse.GetValue(option) ?? Environment.GetEnvironmentVariable(environmentVariable);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
