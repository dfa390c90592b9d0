namespace Orleans.Adaptive;

/// <summary>
/// The user's workload: what a work partition does with each item it applies.
/// </summary>
/// <remarks>
/// <para>
/// Register yours as a singleton on every silo (<c>services.AddSingleton&lt;IWorkHandler, MyHandler&gt;()</c>); the
/// default does nothing beyond the item's simulated cost.
/// </para>
/// <para>
/// The partition calls the handler before it records the item as applied. If the handler throws, the item is not
/// applied and the caller sees the error. If the partition then fails to persist, a retry runs the handler again:
/// the partition's state is exactly-once, effects outside it are at-least-once unless the handler uses
/// <see cref="WorkItem.IdempotencyKey"/> to deduplicate them.
/// </para>
/// </remarks>
public interface IWorkHandler
{
    /// <summary>Processes one item.</summary>
    ValueTask HandleAsync(WorkContext context, CancellationToken cancellationToken);
}

/// <summary>What a <see cref="IWorkHandler"/> gets for each item.</summary>
/// <param name="PartitionId">The partition applying the item.</param>
/// <param name="Item">The item.</param>
/// <param name="Silo">The silo the partition runs on.</param>
public sealed record WorkContext(string PartitionId, WorkItem Item, SiloAddress Silo);

/// <summary>The default handler: the item's simulated cost is all the work there is.</summary>
internal sealed class NoOpWorkHandler : IWorkHandler
{
    public ValueTask HandleAsync(WorkContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
