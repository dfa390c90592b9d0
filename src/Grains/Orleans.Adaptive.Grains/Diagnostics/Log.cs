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
}
