namespace Orleans.Adaptive;

/// <summary>
/// Controls the silo it is pinned to (key: the silo's address, as for node monitors): the supervisor uses it to ask a
/// quarantined silo whose partitions have all moved off to shut down gracefully, so that its orchestrator (systemd,
/// Kubernetes) starts a fresh one.
/// </summary>
public interface ISiloControlGrain : IGrainWithStringKey
{
    /// <summary>Asks the silo's host to stop gracefully, shortly after this call returns.</summary>
    Task RequestShutdown(string reason);
}
