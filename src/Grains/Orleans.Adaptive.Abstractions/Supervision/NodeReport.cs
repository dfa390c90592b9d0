namespace Orleans.Adaptive;

/// <summary>What a node monitor sends the supervisor after each sample.</summary>
/// <param name="Sample">The silo's newest sample.</param>
/// <param name="Partitions">The load of each partition on the silo over the same interval.</param>
[GenerateSerializer, Immutable, Alias("adaptive.NodeReport")]
public sealed record NodeReport(
    [property: Id(0)] NodeSample Sample,
    [property: Id(1)] IReadOnlyList<PartitionLoad> Partitions);
