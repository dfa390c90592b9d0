using System.Globalization;
using Microsoft.Extensions.Options;

namespace Orleans.Adaptive.Client;

/// <summary>Rejects <see cref="AdaptiveClusterOptions"/> that cannot work, naming the option and the value.</summary>
public sealed class AdaptiveClusterOptionsValidator : IValidateOptions<AdaptiveClusterOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AdaptiveClusterOptions options)
    {
        var failures = Collect(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Returns one message per invalid option, empty when all are valid.</summary>
    public static List<string> Collect(AdaptiveClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Prefix = "Adaptive:Cluster:";
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Clustering))
        {
            failures.Add($"{Prefix}Clustering must be Localhost or Redis (was {options.Clustering}).");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add($"{Prefix}ClusterId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add($"{Prefix}ServiceId must not be empty.");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}ConnectTimeout must be greater than zero (was {options.ConnectTimeout})."));
        }

        if (options.Clustering == ClusteringMode.Localhost)
        {
            if (options.GatewayPorts is not { Length: > 0 })
            {
                failures.Add($"{Prefix}GatewayPorts must list at least one port for localhost clustering.");
            }
            else
            {
                foreach (var port in options.GatewayPorts)
                {
                    if (port is < 1 or > 65535)
                    {
                        failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}GatewayPorts: {port} is not a TCP port (1-65535)."));
                    }
                }
            }
        }

        if (options.Clustering == ClusteringMode.Redis && string.IsNullOrWhiteSpace(options.RedisConnectionString))
        {
            failures.Add($"{Prefix}RedisConnectionString must be set for Redis clustering (for example 127.0.0.1:6379).");
        }

        return failures;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every problem, if there is any.</summary>
    public static void ThrowIfInvalid(AdaptiveClusterOptions options)
    {
        var failures = Collect(options);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(AdaptiveClusterOptions), failures);
        }
    }
}
