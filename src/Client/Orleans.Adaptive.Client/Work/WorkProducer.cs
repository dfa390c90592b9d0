using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Orleans.Adaptive.Client;

/// <summary>
/// Submits work items to partitions with idempotency keys and retries each one, the same item every time, until a
/// partition acknowledges it, so that nothing is lost and nothing is applied twice.
/// </summary>
/// <remarks>
/// <para>
/// Each partition gets its own sequence of items from this producer, with at most
/// <see cref="ProducerWindow.Size"/> in flight (see <see cref="SendWindow"/>); <see cref="SubmitAsync"/> waits for
/// room when that many are outstanding.
/// </para>
/// <para>Thread-safe: any number of callers may submit concurrently.</para>
/// </remarks>
public sealed partial class WorkProducer
{
    private readonly IGrainFactory _grains;
    private readonly AdaptiveClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, SendWindow> _windows = new(StringComparer.Ordinal);

    internal WorkProducer(IGrainFactory grains, string producerId, AdaptiveClientOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(producerId);
        _grains = grains;
        ProducerId = producerId;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>This producer's id, the first half of its items' idempotency keys.</summary>
    public string ProducerId { get; }

    /// <summary>Makes a producer id that will not repeat: machine, process and a random suffix.</summary>
    public static string NewProducerId()
        => $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// Sends a new work item to <paramref name="partitionId"/> and retries it until it is applied.
    /// </summary>
    /// <returns>The receipt: <see cref="WorkOutcome.Applied"/>, or <see cref="WorkOutcome.Duplicate"/> if an earlier attempt already got through.</returns>
    /// <exception cref="WorkOutcomeUnknownException">No answer within the submit timeout; the item may or may not have been applied.</exception>
    /// <exception cref="WorkRejectedException">The partition refused the item for good (for instance, it is stale).</exception>
    public async Task<WorkReceipt> SubmitAsync(string partitionId, double cost, byte[]? payload = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(partitionId);
        var window = _windows.GetOrAdd(partitionId, static _ => new SendWindow());
        var sequence = await window.AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var item = new WorkItem(ProducerId, sequence, cost, payload);
            item.Validate();
            return await SendWithRetriesAsync(partitionId, item, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            window.Release(sequence);
        }
    }

    /// <summary>
    /// Sends an item that was already submitted once (from <see cref="WorkOutcomeUnknownException.Item"/>) to learn
    /// its fate without applying it twice. Only safe within the partition's replay window, that is, before this
    /// producer sends <see cref="ProducerWindow.Size"/> newer items to the same partition.
    /// </summary>
    public Task<WorkReceipt> ResubmitAsync(string partitionId, WorkItem item, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(partitionId);
        ArgumentNullException.ThrowIfNull(item);
        if (!string.Equals(item.ProducerId, ProducerId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Item {item.IdempotencyKey} belongs to producer {item.ProducerId}, not {ProducerId}.", nameof(item));
        }

        return SendWithRetriesAsync(partitionId, item, cancellationToken);
    }

    private async Task<WorkReceipt> SendWithRetriesAsync(string partitionId, WorkItem item, CancellationToken cancellationToken)
    {
        var grain = _grains.GetGrain<IWorkPartitionGrain>(partitionId);
        var started = _time.GetTimestamp();
        var delay = _options.InitialRetryDelay;
        Exception? lastError = null;
        var attempt = 0;
        while (true)
        {
            attempt++;
            try
            {
                return await grain.Submit(item, cancellationToken).WaitAsync(_options.AttemptTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested && TransientErrors.IsTransient(exception))
            {
                lastError = exception;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw new WorkOutcomeUnknownException(partitionId, item, attempt, lastError);
            }

            var remaining = _options.SubmitTimeout - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                throw new WorkOutcomeUnknownException(partitionId, item, attempt, lastError);
            }

            var jittered = TimeSpan.FromTicks((long)(delay.Ticks * (0.5 + Random.Shared.NextDouble())));
            LogRetry(_logger, item.IdempotencyKey, partitionId, attempt, jittered, lastError.GetType().Name, lastError.Message);
            try
            {
                await Task.Delay(jittered < remaining ? jittered : remaining, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new WorkOutcomeUnknownException(partitionId, item, attempt, lastError);
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
        }
    }

    [LoggerMessage(2001, LogLevel.Debug, "Retrying work item {IdempotencyKey} for partition {Partition} (attempt {Attempt} failed, next in {Delay}): {ErrorType}: {Error}")]
    private static partial void LogRetry(ILogger logger, string idempotencyKey, string partition, int attempt, TimeSpan delay, string errorType, string error);
}
