namespace Orleans.Adaptive.Client;

/// <summary>The cluster as the membership table and the node monitors describe it at one moment.</summary>
/// <param name="CollectedAt">When the status was read.</param>
/// <param name="Silos">Every silo still worth showing: all non-dead ones, and dead ones that died recently.</param>
/// <param name="HiddenDeadSilos">Dead silos left out because their last heartbeat is older than the retention.</param>
public sealed record ClusterStatus(DateTimeOffset CollectedAt, IReadOnlyList<SiloStatusEntry> Silos, int HiddenDeadSilos)
{
    /// <summary>Silos whose membership status is Active.</summary>
    public IEnumerable<SiloStatusEntry> ActiveSilos => Silos.Where(static s => s.Status == "Active");
}

/// <summary>One silo's membership entry and, when it answered, its node monitor's latest sample.</summary>
/// <param name="Address">The silo's address (<c>host:port@generation</c>), also its node monitor's key.</param>
/// <param name="Name">The silo's configured name.</param>
/// <param name="HostName">The machine it runs on.</param>
/// <param name="Status">Membership status: Created, Joining, Active, ShuttingDown, Stopping or Dead.</param>
/// <param name="StartedAt">When the silo started.</param>
/// <param name="LastHeartbeat">The silo's last "I am alive" write to the membership table.</param>
/// <param name="Monitor">How its node monitor is set up, if it answered.</param>
/// <param name="Latest">Its latest node sample, if it answered and has one.</param>
/// <param name="Error">Why the node monitor did not answer, if it did not.</param>
public sealed record SiloStatusEntry(
    string Address,
    string Name,
    string HostName,
    string Status,
    DateTimeOffset StartedAt,
    DateTimeOffset LastHeartbeat,
    NodeMonitorInfo? Monitor,
    NodeSample? Latest,
    string? Error);
