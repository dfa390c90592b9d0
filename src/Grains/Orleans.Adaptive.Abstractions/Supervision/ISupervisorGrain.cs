namespace Orleans.Adaptive;

/// <summary>
/// The cluster's supervisor: collects every silo's samples and partition loads, forecasts them, publishes the
/// <see cref="ClusterLoadView"/> that placement reads, and rebalances partitions by live migration. One per
/// cluster (<see cref="SupervisorKey"/>); if its silo dies it is re-activated elsewhere from its persisted state.
/// </summary>
public interface ISupervisorGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Takes a node monitor's report and returns the current view if it is newer than
    /// <paramref name="knownViewVersion"/>, otherwise null (saving the bandwidth of an unchanged view).
    /// </summary>
    Task<ClusterLoadView?> Report(NodeReport report, long knownViewVersion);

    /// <summary>The current view, or null before the first cycle.</summary>
    Task<ClusterLoadView?> GetView();

    /// <summary>How the supervisor is doing.</summary>
    Task<SupervisorStatus> GetStatus();

    /// <summary>Up to <paramref name="maxCount"/> decisions with an id greater than <paramref name="afterId"/>, oldest first.</summary>
    Task<IReadOnlyList<AdaptiveDecision>> GetDecisions(long afterId, int maxCount);

    /// <summary>
    /// Switches adaptation on or off (the kill switch): off, placement behaves as Orleans' resource-optimized
    /// placement and nothing is moved. The choice is persisted.
    /// </summary>
    /// <returns>Whether adaptation is on afterwards.</returns>
    /// <exception cref="InvalidOperationException">Switching on while configuration disables adaptation.</exception>
    Task<bool> SetAdaptation(bool enabled, string reason);

    /// <summary>
    /// Marks <paramref name="silo"/> as draining (it receives nothing and its partitions move off, within the
    /// migration budget) or active again. Use it before stopping a silo.
    /// </summary>
    Task SetDraining(string silo, bool draining, string reason);

    /// <summary>The detector's latest verdict on every silo it watches.</summary>
    Task<IReadOnlyList<SiloHealthReport>> GetHealth();

    /// <summary>
    /// Quarantines <paramref name="silo"/> by hand (placement avoids it, its partitions move off, within the migration
    /// budget) or releases it. A manual quarantine counts against the same cap as automatic ones.
    /// </summary>
    /// <exception cref="InvalidOperationException">The quarantine cap is reached.</exception>
    Task SetQuarantine(string silo, bool quarantined, string reason);
}

/// <summary>The supervisor's key and a shortcut to it.</summary>
public static class SupervisorKey
{
    /// <summary>The key of the one supervisor of a cluster.</summary>
    public const long Value = 0;

    /// <summary>Returns the cluster's supervisor.</summary>
    public static ISupervisorGrain GetSupervisor(this IGrainFactory grainFactory)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        return grainFactory.GetGrain<ISupervisorGrain>(Value);
    }
}
