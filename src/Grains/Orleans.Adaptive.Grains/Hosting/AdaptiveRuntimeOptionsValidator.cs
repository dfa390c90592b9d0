using System.Globalization;
using Microsoft.Extensions.Options;

namespace Orleans.Adaptive.Hosting;

/// <summary>
/// Rejects <see cref="AdaptiveRuntimeOptions"/> that cannot work, naming the option, its valid range and the value.
/// </summary>
public sealed class AdaptiveRuntimeOptionsValidator : IValidateOptions<AdaptiveRuntimeOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AdaptiveRuntimeOptions options)
    {
        var failures = Collect(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Returns one message per invalid option, empty when all are valid.</summary>
    public static List<string> Collect(AdaptiveRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Prefix = "Adaptive:Runtime:";

        var monitor = options.NodeMonitor;
        if (monitor is null)
        {
            failures.Add($"{Prefix}NodeMonitor must be set.");
        }
        else
        {
            if (monitor.SampleInterval <= TimeSpan.Zero || monitor.SampleInterval > NodeMonitorOptions.MaxSampleInterval)
            {
                failures.Add(Invariant($"{Prefix}NodeMonitor:SampleInterval must be greater than zero and at most {NodeMonitorOptions.MaxSampleInterval} (was {monitor.SampleInterval})."));
            }

            if (monitor.HistoryCapacity < 2 || monitor.HistoryCapacity > NodeMonitorOptions.MaxHistoryCapacity)
            {
                failures.Add(Invariant($"{Prefix}NodeMonitor:HistoryCapacity must be between 2 and {NodeMonitorOptions.MaxHistoryCapacity} (was {monitor.HistoryCapacity})."));
            }
        }

        var capacity = options.Capacity;
        if (capacity is null)
        {
            failures.Add($"{Prefix}Capacity must be set.");
        }
        else
        {
            if (capacity.WorkUnitsPerSecond is { } units && (!double.IsFinite(units) || units <= 0))
            {
                failures.Add(Invariant($"{Prefix}Capacity:WorkUnitsPerSecond must be a finite number greater than zero, or unset for no limit (was {units})."));
            }

            if (capacity.MaxQueueLength < 1)
            {
                failures.Add(Invariant($"{Prefix}Capacity:MaxQueueLength must be 1 or more (was {capacity.MaxQueueLength})."));
            }
        }

        var partitions = options.Partitions;
        if (partitions is null)
        {
            failures.Add($"{Prefix}Partitions must be set.");
        }
        else if (partitions.ProducerRetention <= TimeSpan.Zero)
        {
            failures.Add(Invariant($"{Prefix}Partitions:ProducerRetention must be greater than zero (was {partitions.ProducerRetention})."));
        }

        return failures;
    }

    private static string Invariant(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
