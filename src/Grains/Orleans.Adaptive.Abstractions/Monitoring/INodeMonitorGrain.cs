namespace Orleans.Adaptive;

/// <summary>
/// The node monitor of one silo: samples the silo at a fixed interval and keeps a bounded history.
/// </summary>
/// <remarks>
/// There is one per silo, keyed by the silo's address (<see cref="NodeMonitorKey"/>), and it always runs on that
/// silo: its placement never puts it anywhere else, and calling it for a silo that is gone fails rather than
/// creating it elsewhere.
/// </remarks>
public interface INodeMonitorGrain : IGrainWithStringKey
{
    /// <summary>Makes sure the monitor is running; the runtime calls it when the silo starts.</summary>
    Task Start();

    /// <summary>Describes the monitor.</summary>
    Task<NodeMonitorInfo> GetInfo();

    /// <summary>Returns the newest sample, or <see langword="null"/> before the first one.</summary>
    Task<NodeSample?> GetLatest();

    /// <summary>
    /// Returns up to <paramref name="maxCount"/> samples with a sequence greater than <paramref name="afterSequence"/>,
    /// oldest first. Pass the last sequence you saw to read the history incrementally.
    /// </summary>
    Task<IReadOnlyList<NodeSample>> GetSamples(long afterSequence, int maxCount);

    /// <summary>Returns the load of each work partition on the silo over the last sample interval.</summary>
    Task<IReadOnlyList<PartitionLoad>> GetPartitionLoads();
}
