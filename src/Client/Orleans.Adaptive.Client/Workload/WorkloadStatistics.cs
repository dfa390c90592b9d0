using Orleans.Adaptive.Learning.Statistics;

namespace Orleans.Adaptive.Client.Workload;

/// <summary>What a workload driver has done so far, as seen by the client.</summary>
/// <param name="Submitted">Items handed to the producer.</param>
/// <param name="Applied">Items acknowledged as applied.</param>
/// <param name="Duplicates">Items acknowledged as already applied (a retry of one that had got through).</param>
/// <param name="Rejected">Items refused for good by a partition.</param>
/// <param name="Unknown">Items given up on without an answer: applied or not, nobody knows.</param>
/// <param name="Failed">Items that failed otherwise (the handler threw).</param>
/// <param name="Shed">Items never submitted because too many were already in flight.</param>
/// <param name="InFlight">Items submitted and not yet answered.</param>
/// <param name="OfferedItemsPerSecond">The replay's arrival rate at the last tick.</param>
/// <param name="Latency">Client-side latency of acknowledged items, retries included.</param>
public sealed record WorkloadStatistics(
    long Submitted,
    long Applied,
    long Duplicates,
    long Rejected,
    long Unknown,
    long Failed,
    long Shed,
    long InFlight,
    double OfferedItemsPerSecond,
    HistogramSnapshot Latency)
{
    /// <summary>Items that got no successful answer.</summary>
    public long NotAcknowledged => Rejected + Unknown + Failed;
}
