namespace Orleans.Adaptive;

/// <summary>
/// The load one work partition (or other adaptively managed grain) put on its silo over the last sample interval.
/// </summary>
/// <param name="GrainId">The grain, as <c>GrainId.ToString()</c>.</param>
/// <param name="ItemsPerSecond">Work items completed per second.</param>
/// <param name="WorkUnitsPerSecond">Work units completed per second.</param>
/// <param name="IsActive">
/// Whether the grain is still active on the silo; false for one that left during the interval (deactivated or
/// migrated) and is reported for the work it did before.
/// </param>
[GenerateSerializer, Immutable, Alias("adaptive.PartitionLoad")]
public sealed record PartitionLoad(
    [property: Id(0)] string GrainId,
    [property: Id(1)] double ItemsPerSecond,
    [property: Id(2)] double WorkUnitsPerSecond,
    [property: Id(3)] bool IsActive = true);
