namespace Orleans.Adaptive;

/// <summary>
/// The load one work partition (or other adaptively managed grain) put on its silo over the last sample interval.
/// </summary>
/// <param name="GrainId">The grain, as <c>GrainId.ToString()</c>.</param>
/// <param name="ItemsPerSecond">Work items completed per second.</param>
/// <param name="WorkUnitsPerSecond">Work units completed per second.</param>
[GenerateSerializer, Immutable, Alias("adaptive.PartitionLoad")]
public sealed record PartitionLoad(
    [property: Id(0)] string GrainId,
    [property: Id(1)] double ItemsPerSecond,
    [property: Id(2)] double WorkUnitsPerSecond);
