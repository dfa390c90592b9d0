namespace Orleans.Adaptive;

/// <summary>
/// What a partition did with a work item that it accepted.
/// </summary>
public enum WorkOutcome
{
    /// <summary>The item was applied now, and its effect is durable.</summary>
    Applied = 0,

    /// <summary>The item had been applied before (a retry); it was not applied again.</summary>
    Duplicate = 1,
}

/// <summary>
/// The answer to a successful <see cref="IWorkPartitionGrain.Submit"/>.
/// </summary>
/// <param name="Outcome">Whether the item was applied now or had been applied before.</param>
/// <param name="PartitionId">The partition that answered.</param>
/// <param name="Silo">The silo the partition runs on, as <c>SiloAddress.ToParsableString()</c>.</param>
/// <param name="ItemsApplied">Items applied by the partition so far, this one included.</param>
/// <param name="QueueDelay">Time the item waited for the silo's capacity (zero when capacity is unlimited).</param>
/// <param name="ServiceTime">Time the item occupied the silo's capacity.</param>
[GenerateSerializer, Immutable, Alias("adaptive.WorkReceipt")]
public sealed record WorkReceipt(
    [property: Id(0)] WorkOutcome Outcome,
    [property: Id(1)] string PartitionId,
    [property: Id(2)] string Silo,
    [property: Id(3)] long ItemsApplied,
    [property: Id(4)] TimeSpan QueueDelay,
    [property: Id(5)] TimeSpan ServiceTime);
