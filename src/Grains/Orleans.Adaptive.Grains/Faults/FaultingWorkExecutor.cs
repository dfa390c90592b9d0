using Orleans.Adaptive.Capacity;

namespace Orleans.Adaptive.Faults;

/// <summary>
/// The silo's <see cref="ISiloWorkExecutor"/>: the simulated capacity, with the injected faults' latency and errors in
/// front of it, so work partitions and users' own grains suffer the same faults.
/// </summary>
internal sealed class FaultingWorkExecutor(SimulatedCapacityExecutor capacity, SiloFaultInjector faults) : ISiloWorkExecutor
{
    public double? CapacityWorkUnitsPerSecond => capacity.CapacityWorkUnitsPerSecond;

    public IDisposable TrackPartition(GrainId partition) => capacity.TrackPartition(partition);

    public ValueTask<WorkExecution> ExecuteAsync(GrainId partition, double workUnits, CancellationToken cancellationToken = default)
    {
        var before = faults.BeforeWorkAsync(cancellationToken);
        return before.IsCompletedSuccessfully
            ? capacity.ExecuteAsync(partition, workUnits, cancellationToken)
            : AfterFaultAsync(before, partition, workUnits, cancellationToken);
    }

    private async ValueTask<WorkExecution> AfterFaultAsync(ValueTask before, GrainId partition, double workUnits, CancellationToken cancellationToken)
    {
        await before;
        return await capacity.ExecuteAsync(partition, workUnits, cancellationToken);
    }
}
