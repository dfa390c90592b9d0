namespace Orleans.Adaptive.Client;

/// <summary>
/// A work item was retried until <see cref="AdaptiveClientOptions.SubmitTimeout"/> (or cancellation) without an
/// answer: it may or may not have been applied.
/// </summary>
/// <remarks>
/// To find out without risking a second application, send the same <see cref="Item"/> again with
/// <see cref="WorkProducer.ResubmitAsync"/> once the cluster answers: a partition that applied it says
/// <see cref="WorkOutcome.Duplicate"/>.
/// </remarks>
public sealed class WorkOutcomeUnknownException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkOutcomeUnknownException(string partitionId, WorkItem item, int attempts, Exception? lastError)
        : base($"Work item {item.IdempotencyKey} for partition {partitionId} got no answer after {attempts} attempt(s); it may or may not have been applied. Last error: {lastError?.GetType().Name}: {lastError?.Message}", lastError)
    {
        PartitionId = partitionId;
        Item = item;
        Attempts = attempts;
    }

    /// <summary>The partition the item was for.</summary>
    public string PartitionId { get; }

    /// <summary>The item, with its idempotency key.</summary>
    public WorkItem Item { get; }

    /// <summary>How many attempts were made.</summary>
    public int Attempts { get; }
}
