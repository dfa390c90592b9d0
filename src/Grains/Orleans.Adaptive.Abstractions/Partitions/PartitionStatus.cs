namespace Orleans.Adaptive;

/// <summary>
/// A work partition's counters.
/// </summary>
/// <param name="PartitionId">The partition's key.</param>
/// <param name="Silo">The silo it runs on, as <c>SiloAddress.ToParsableString()</c>.</param>
/// <param name="ItemsApplied">Items applied since the partition was created (durable).</param>
/// <param name="WorkUnitsApplied">Work units of those items (durable).</param>
/// <param name="DuplicatesIgnored">Retried items recognised and not applied again (persisted with the next applied item).</param>
/// <param name="Producers">Producers the partition remembers.</param>
/// <param name="LastAppliedAt">When the last item was applied, if any.</param>
/// <param name="ActivatedAt">When this activation started.</param>
[GenerateSerializer, Immutable, Alias("adaptive.PartitionStatus")]
public sealed record PartitionStatus(
    [property: Id(0)] string PartitionId,
    [property: Id(1)] string Silo,
    [property: Id(2)] long ItemsApplied,
    [property: Id(3)] double WorkUnitsApplied,
    [property: Id(4)] long DuplicatesIgnored,
    [property: Id(5)] int Producers,
    [property: Id(6)] DateTimeOffset? LastAppliedAt,
    [property: Id(7)] DateTimeOffset ActivatedAt);
