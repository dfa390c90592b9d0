namespace Orleans.Adaptive;

/// <summary>
/// How a node monitor is set up.
/// </summary>
/// <param name="Silo">The silo it monitors, as <c>SiloAddress.ToParsableString()</c>.</param>
/// <param name="SiloName">The silo's configured name.</param>
/// <param name="SampleInterval">Time between samples.</param>
/// <param name="HistoryCapacity">Samples kept; older ones are dropped.</param>
/// <param name="CapacityWorkUnitsPerSecond">The silo's simulated capacity, if any.</param>
/// <param name="StartedAt">When this activation of the monitor started sampling.</param>
/// <param name="LatestSequence">Sequence of the newest sample, 0 before the first.</param>
[GenerateSerializer, Immutable, Alias("adaptive.NodeMonitorInfo")]
public sealed record NodeMonitorInfo(
    [property: Id(0)] string Silo,
    [property: Id(1)] string SiloName,
    [property: Id(2)] TimeSpan SampleInterval,
    [property: Id(3)] int HistoryCapacity,
    [property: Id(4)] double? CapacityWorkUnitsPerSecond,
    [property: Id(5)] DateTimeOffset StartedAt,
    [property: Id(6)] long LatestSequence);
