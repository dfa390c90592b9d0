namespace Orleans.Adaptive;

/// <summary>
/// Why a partition refused a work item without applying it.
/// </summary>
public enum WorkRejectionReason
{
    /// <summary>The silo's work queue is full. Retry later, with the same item.</summary>
    Overloaded = 0,

    /// <summary>
    /// The item's sequence is older than the partition's replay window, so the partition cannot tell whether it was
    /// applied. The producer broke the in-flight limit; retrying will not help.
    /// </summary>
    Stale = 1,

    /// <summary>
    /// The partition failed to persist its state and is restarting from storage. Retry, with the same item.
    /// </summary>
    Restarting = 2,

    /// <summary>
    /// The silo failed while doing the work (an injected fault, for instance); the item was not applied. Retry, with
    /// the same item.
    /// </summary>
    Failed = 3,
}

/// <summary>
/// A partition refused a work item and did not apply it.
/// </summary>
[GenerateSerializer, Alias("adaptive.WorkRejectedException")]
public sealed class WorkRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkRejectedException(WorkRejectionReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Creates the exception.</summary>
    public WorkRejectedException(WorkRejectionReason reason, string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Why the item was refused.</summary>
    [Id(0)]
    public WorkRejectionReason Reason { get; private set; }

    /// <summary>Whether sending the same item again may succeed.</summary>
    public bool IsRetryable => Reason is WorkRejectionReason.Overloaded or WorkRejectionReason.Restarting or WorkRejectionReason.Failed;
}
