using Microsoft.Extensions.Logging;

namespace Orleans.Adaptive.Diagnostics;

/// <summary>Every log message of the silo runtime, in one place (source-generated, cheap when disabled).</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Node monitor for silo {Silo} started, sampling every {Interval}.")]
    public static partial void NodeMonitorStarted(ILogger logger, string silo, TimeSpan interval);

    [LoggerMessage(1002, LogLevel.Warning, "Node monitor for silo {Silo} failed to take a sample ({Failures} in a row).")]
    public static partial void SamplingFailed(ILogger logger, Exception exception, string silo, int failures);

    [LoggerMessage(1003, LogLevel.Warning, "Could not start the node monitor of silo {Silo} (attempt {Attempt}); retrying in {Delay}.")]
    public static partial void NodeMonitorStartFailed(ILogger logger, Exception exception, string silo, int attempt, TimeSpan delay);

    [LoggerMessage(1004, LogLevel.Error, "Work partition {Partition} failed to persist its state; it will restart from storage and callers will retry.")]
    public static partial void PartitionPersistFailed(ILogger logger, Exception exception, string partition);

    [LoggerMessage(1005, LogLevel.Warning, "Work partition {Partition}: the handler failed on item {IdempotencyKey}; the item was not applied.")]
    public static partial void WorkHandlerFailed(ILogger logger, Exception exception, string partition, string idempotencyKey);

    [LoggerMessage(1006, LogLevel.Information, "Work partition {Partition} forgot {Count} producers idle for more than {Retention}.")]
    public static partial void ProducersForgotten(ILogger logger, string partition, int count, TimeSpan retention);

    [LoggerMessage(2001, LogLevel.Information, "Supervisor activated on silo {Silo}: adaptation {Adaptation}, {Decisions} decisions and {Cooldowns} cool-downs restored, cycle every {Interval}.")]
    public static partial void SupervisorActivated(ILogger logger, string silo, string adaptation, int decisions, int cooldowns, TimeSpan interval);

    [LoggerMessage(2002, LogLevel.Error, "Supervisor cycle failed; the previous view stays in place.")]
    public static partial void SupervisorCycleFailed(ILogger logger, Exception exception);

    [LoggerMessage(2003, LogLevel.Information, "Migrating partition {Partition} from {From} to {To}: {Reason}")]
    public static partial void MigrationStarted(ILogger logger, string partition, string from, string to, string reason);

    [LoggerMessage(2004, LogLevel.Warning, "Migration of partition {Partition} to {To} failed: {Reason}")]
    public static partial void MigrationFailed(ILogger logger, Exception? exception, string partition, string to, string reason);

    [LoggerMessage(2005, LogLevel.Warning, "Supervisor could not persist its state; it will retry next cycle.")]
    public static partial void SupervisorPersistFailed(ILogger logger, Exception exception);

    [LoggerMessage(2006, LogLevel.Warning, "Adaptation switched {State}: {Reason}")]
    public static partial void AdaptationChanged(ILogger logger, string state, string reason);

    [LoggerMessage(2007, LogLevel.Information, "Scale advice: {Desired} silos for a predicted load of {Load:0.#} work units/s.")]
    public static partial void ScaleAdviceChanged(ILogger logger, int desired, double load);

    [LoggerMessage(2008, LogLevel.Information, "Silo {Silo} is now {State}: {Reason}")]
    public static partial void SiloStateChanged(ILogger logger, string silo, string state, string reason);

    [LoggerMessage(2009, LogLevel.Debug, "Node monitor of silo {Silo} could not report to the supervisor ({Failures} in a row).")]
    public static partial void ReportFailed(ILogger logger, Exception exception, string silo, int failures);

    [LoggerMessage(2010, LogLevel.Warning, "Node monitor of silo {Silo} has not reached the supervisor for {Failures} reports; placement falls back to Orleans' own once the view is stale.")]
    public static partial void ReportFailing(ILogger logger, Exception exception, string silo, int failures);

    [LoggerMessage(3001, LogLevel.Warning, "Fault injected: {Kind}, starting in {StartAfter}, ramp {Ramp}, severity {Severity}.")]
    public static partial void FaultInjected(ILogger logger, FaultKind kind, TimeSpan startAfter, TimeSpan ramp, double severity);

    [LoggerMessage(3002, LogLevel.Error, "An injected fault made this silo fail at {FailedAt:O}; killing the process: {Kill}.")]
    public static partial void FaultFailedSilo(ILogger logger, DateTimeOffset failedAt, bool kill);

    [LoggerMessage(4001, LogLevel.Information, "Silo {Silo} health: {Previous} -> {State} ({Reason}).")]
    public static partial void HealthChanged(ILogger logger, string silo, string previous, string state, string reason);

    [LoggerMessage(4002, LogLevel.Warning, "Silo {Silo} is quarantined: {Reason}")]
    public static partial void Quarantined(ILogger logger, string silo, string reason);

    [LoggerMessage(4003, LogLevel.Warning, "Silo {Silo} is failing but stays in service: {Reason}")]
    public static partial void QuarantineRefused(ILogger logger, string silo, string reason);

    [LoggerMessage(4004, LogLevel.Warning, "Silo {Silo} does not answer; evicting it from membership: {Reason}")]
    public static partial void Evicting(ILogger logger, string silo, string reason);

    [LoggerMessage(4005, LogLevel.Error, "Evicting silo {Silo} failed.")]
    public static partial void EvictionFailed(ILogger logger, Exception? exception, string silo);

    [LoggerMessage(4006, LogLevel.Information, "Re-activated {Count} partitions after silo {Silo} left ({Failed} did not answer) in {Elapsed}.")]
    public static partial void Reactivated(ILogger logger, string silo, int count, int failed, TimeSpan elapsed);

    [LoggerMessage(4007, LogLevel.Information, "Silo {Silo} is released from quarantine: {Reason}")]
    public static partial void Released(ILogger logger, string silo, string reason);

    [LoggerMessage(4008, LogLevel.Warning, "Silo {Silo} was asked to shut down gracefully: {Reason}")]
    public static partial void ShutdownRequested(ILogger logger, string silo, string reason);

    [LoggerMessage(4009, LogLevel.Warning, "Could not ask silo {Silo} to shut down; it stays quarantined.")]
    public static partial void ShutdownRequestFailed(ILogger logger, Exception exception, string silo);
}
