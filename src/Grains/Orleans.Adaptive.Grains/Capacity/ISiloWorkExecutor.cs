namespace Orleans.Adaptive;

/// <summary>
/// Runs work against the silo's capacity and records which partition did it.
/// </summary>
/// <remarks>
/// <see cref="IWorkPartitionGrain"/> uses it for every item. Your own grains can use it too, so that their work
/// counts in the silo's load, queueing and partition figures (and later in placement and rebalancing): inject it,
/// call <see cref="TrackPartition"/> in <c>OnActivateAsync</c> and dispose the result in <c>OnDeactivateAsync</c>,
/// and wrap each piece of work in <see cref="ExecuteAsync"/>.
/// </remarks>
public interface ISiloWorkExecutor
{
    /// <summary>The silo's simulated capacity in work units per second, or <see langword="null"/> when unlimited.</summary>
    double? CapacityWorkUnitsPerSecond { get; }

    /// <summary>
    /// Counts <paramref name="partition"/> among the partitions active on this silo until the result is disposed.
    /// </summary>
    IDisposable TrackPartition(GrainId partition);

    /// <summary>
    /// Waits until the silo's capacity has done <paramref name="workUnits"/> of work for <paramref name="partition"/>.
    /// With unlimited capacity it returns at once.
    /// </summary>
    /// <exception cref="WorkRejectedException">The silo's queue is full (<see cref="WorkRejectionReason.Overloaded"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="workUnits"/> is negative or not finite.</exception>
    ValueTask<WorkExecution> ExecuteAsync(GrainId partition, double workUnits, CancellationToken cancellationToken = default);
}

/// <summary>How a piece of work went through the silo's capacity.</summary>
/// <param name="QueueDelay">Time spent waiting for capacity.</param>
/// <param name="ServiceTime">Time the work occupied the capacity.</param>
public readonly record struct WorkExecution(TimeSpan QueueDelay, TimeSpan ServiceTime);
