namespace Orleans.Adaptive;

/// <summary>
/// A work partition: a durable unit of the user's workload that accepts work items and applies each exactly once.
/// </summary>
/// <remarks>
/// The key is the partition id, any string. Items run through the silo's <c>IWorkHandler</c> (the user's workload)
/// and cost work units of the silo's capacity. State (items applied, the producers' replay windows) lives in grain
/// storage, so it survives deactivation, migration and the loss of a silo.
/// </remarks>
public interface IWorkPartitionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Applies <paramref name="item"/> unless it was applied before.
    /// </summary>
    /// <returns>
    /// A receipt once the item's effect is durable. Resending the same item returns
    /// <see cref="WorkOutcome.Duplicate"/> and changes nothing.
    /// </returns>
    /// <exception cref="WorkRejectedException">The item was not applied; see <see cref="WorkRejectedException.IsRetryable"/>.</exception>
    /// <exception cref="ArgumentException">The item is malformed.</exception>
    Task<WorkReceipt> Submit(WorkItem item, CancellationToken cancellationToken = default);

    /// <summary>Returns the partition's counters.</summary>
    Task<PartitionStatus> GetStatus();
}
