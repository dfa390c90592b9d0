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

        CollectAdaptation(options, failures);
        CollectHealth(options, failures);
        if (options.FaultInjection is null)
        {
            failures.Add($"{Prefix}FaultInjection must be set.");
        }

        return failures;
    }

    private static void CollectHealth(AdaptiveRuntimeOptions options, List<string> failures)
    {
        const string Name = "Adaptive:Runtime:Health:";
        if (options.Health is not { } health)
        {
            failures.Add("Adaptive:Runtime:Health must be set.");
            return;
        }

        if (!double.IsFinite(health.MaxQuarantinedFraction) || health.MaxQuarantinedFraction < 0 || health.MaxQuarantinedFraction >= 0.5)
        {
            failures.Add(Invariant($"{Name}MaxQuarantinedFraction must be 0 or more and below 0.5: a majority is never quarantined (was {health.MaxQuarantinedFraction})."));
        }

        if (health.ProbeTimeout <= TimeSpan.Zero || health.ProbeTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add(Invariant($"{Name}ProbeTimeout must be greater than zero and at most 1 minute (was {health.ProbeTimeout})."));
        }

        Range(failures, $"{Name}SilentCycles", health.SilentCycles, 1, 1_000);
        Range(failures, $"{Name}SuspectCount", health.SuspectCount, 1, 1_000);
        Range(failures, $"{Name}SuspectWindow", health.SuspectWindow, Math.Max(1, health.SuspectCount), 1_000);
        Range(failures, $"{Name}FailingCycles", health.FailingCycles, 1, 1_000);
        Range(failures, $"{Name}ClearCycles", health.ClearCycles, 1, 100_000);
        Range(failures, $"{Name}ReleaseCycles", health.ReleaseCycles, 1, 100_000);
        Range(failures, $"{Name}UnmeasuredReleaseFactor", health.UnmeasuredReleaseFactor, 1, 100);
        Range(failures, $"{Name}BaselineWindow", health.BaselineWindow, 20, 100_000);
        Range(failures, $"{Name}MinimumTraining", health.MinimumTraining, 10, 100_000);
        Range(failures, $"{Name}RetrainEvery", health.RetrainEvery, 1, 1_000_000);
        if (!(health.ThresholdQuantile > 0.5 && health.ThresholdQuantile < 1))
        {
            failures.Add(Invariant($"{Name}ThresholdQuantile must be above 0.5 and below 1 (was {health.ThresholdQuantile})."));
        }

        if (!double.IsFinite(health.ExtremeDeviation) || health.ExtremeDeviation <= 0 || health.ExtremeDeviation > 1000)
        {
            failures.Add(Invariant($"{Name}ExtremeDeviation must be above 0 and at most 1000 (was {health.ExtremeDeviation})."));
        }

        if (!double.IsFinite(health.MinimumAnomalyDeviation) || health.MinimumAnomalyDeviation < 0 || health.MinimumAnomalyDeviation > health.ExtremeDeviation)
        {
            failures.Add(Invariant($"{Name}MinimumAnomalyDeviation must be 0 or more and at most ExtremeDeviation ({health.ExtremeDeviation}) (was {health.MinimumAnomalyDeviation})."));
        }

        if (health.ExhaustionHorizon <= TimeSpan.Zero)
        {
            failures.Add(Invariant($"{Name}ExhaustionHorizon must be greater than zero (was {health.ExhaustionHorizon})."));
        }
        else if (health.FailingExhaustionHorizon <= TimeSpan.Zero || health.FailingExhaustionHorizon > health.ExhaustionHorizon)
        {
            failures.Add(Invariant($"{Name}FailingExhaustionHorizon must be greater than zero and at most ExhaustionHorizon ({health.ExhaustionHorizon}) (was {health.FailingExhaustionHorizon})."));
        }
    }

    private static void CollectAdaptation(AdaptiveRuntimeOptions options, List<string> failures)
    {
        const string Prefix = "Adaptive:Runtime:";
        if (options.Adaptation is not { } adaptation)
        {
            failures.Add($"{Prefix}Adaptation must be set.");
        }
        else
        {
            if (adaptation.CycleInterval is { } cycle && (cycle <= TimeSpan.Zero || cycle > NodeMonitorOptions.MaxSampleInterval))
            {
                failures.Add(Invariant($"{Prefix}Adaptation:CycleInterval must be greater than zero and at most {NodeMonitorOptions.MaxSampleInterval}, or unset to follow the sample interval (was {cycle})."));
            }

            Range(failures, $"{Prefix}Adaptation:StaleViewCycles", adaptation.StaleViewCycles, 2, 1_000);
            Range(failures, $"{Prefix}Adaptation:DecisionLogCapacity", adaptation.DecisionLogCapacity, 10, 100_000);
        }

        if (options.Forecasting is not { } forecasting)
        {
            failures.Add($"{Prefix}Forecasting must be set.");
        }
        else
        {
            Range(failures, $"{Prefix}Forecasting:History", forecasting.History, 10, 100_000);
            Range(failures, $"{Prefix}Forecasting:RefitEvery", forecasting.RefitEvery, 1, 100_000);
            Range(failures, $"{Prefix}Forecasting:Horizon", forecasting.Horizon, 1, 60);
        }

        if (options.Placement is not { } placement)
        {
            failures.Add($"{Prefix}Placement must be set.");
        }
        else
        {
            Range(failures, $"{Prefix}Placement:Candidates", placement.Candidates, 1, 16);
        }

        if (options.Rebalancing is not { } rebalancing)
        {
            failures.Add($"{Prefix}Rebalancing must be set.");
        }
        else
        {
            var name = $"{Prefix}Rebalancing:";
            if (!double.IsFinite(rebalancing.ImbalanceThreshold) || rebalancing.ImbalanceThreshold <= 0 || rebalancing.ImbalanceThreshold > 10)
            {
                failures.Add(Invariant($"{name}ImbalanceThreshold must be above 0 and at most 10 (was {rebalancing.ImbalanceThreshold})."));
            }
            else if (!double.IsFinite(rebalancing.ReleaseThreshold) || rebalancing.ReleaseThreshold < 0 || rebalancing.ReleaseThreshold > rebalancing.ImbalanceThreshold)
            {
                failures.Add(Invariant($"{name}ReleaseThreshold must be between 0 and ImbalanceThreshold ({rebalancing.ImbalanceThreshold}) (was {rebalancing.ReleaseThreshold})."));
            }

            Range(failures, $"{name}HotCycles", rebalancing.HotCycles, 1, 1_000);
            Range(failures, $"{name}MaxMigrationsPerCycle", rebalancing.MaxMigrationsPerCycle, 0, 10_000);
            if (rebalancing.PartitionCooldown < TimeSpan.Zero)
            {
                failures.Add(Invariant($"{name}PartitionCooldown must be 0 or more (was {rebalancing.PartitionCooldown})."));
            }

            Fraction(failures, $"{name}MinimumGain", rebalancing.MinimumGain, allowZero: true);
            Fraction(failures, $"{name}DrainTargetUtilization", rebalancing.DrainTargetUtilization, allowZero: false);
            if (rebalancing.MigrationTimeout <= TimeSpan.Zero)
            {
                failures.Add(Invariant($"{name}MigrationTimeout must be greater than zero (was {rebalancing.MigrationTimeout})."));
            }
        }

        if (options.Scaling is not { } scaling)
        {
            failures.Add($"{Prefix}Scaling must be set.");
        }
        else
        {
            var name = $"{Prefix}Scaling:";
            Fraction(failures, $"{name}TargetUtilization", scaling.TargetUtilization, allowZero: false);
            Range(failures, $"{name}MinSilos", scaling.MinSilos, 1, 100_000);
            Range(failures, $"{name}MaxSilos", scaling.MaxSilos, Math.Max(1, scaling.MinSilos), 100_000);
            if (!double.IsFinite(scaling.ScaleInMargin) || scaling.ScaleInMargin < 0 || scaling.ScaleInMargin >= 1)
            {
                failures.Add(Invariant($"{name}ScaleInMargin must be 0 or more and below 1 (was {scaling.ScaleInMargin})."));
            }

            Range(failures, $"{name}StableCycles", scaling.StableCycles, 1, 1_000);
            if (scaling.SiloCapacity is { } capacity && (!double.IsFinite(capacity) || capacity <= 0))
            {
                failures.Add(Invariant($"{name}SiloCapacity must be a finite number greater than zero, or unset (was {capacity})."));
            }
        }
    }

    private static void Range(List<string> failures, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add(Invariant($"{name} must be between {min} and {max} (was {value})."));
        }
    }

    private static void Fraction(List<string> failures, string name, double value, bool allowZero)
    {
        if (!double.IsFinite(value) || value > 1 || (allowZero ? value < 0 : value <= 0))
        {
            failures.Add(Invariant($"{name} must be {(allowZero ? "between 0 and 1" : "above 0 and at most 1")} (was {value})."));
        }
    }

    private static string Invariant(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
