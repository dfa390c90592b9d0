namespace Orleans.Adaptive.Client;

/// <summary>
/// Reads the cluster's status: membership from Orleans' management grain, then each active silo's node monitor,
/// in parallel and each with a timeout, so one frozen silo delays the answer by at most the timeout.
/// </summary>
public sealed class ClusterStatusReader
{
    private readonly IClusterClient _client;
    private readonly AdaptiveClientOptions _options;
    private readonly TimeProvider _time;

    internal ClusterStatusReader(IClusterClient client, AdaptiveClientOptions options, TimeProvider time)
    {
        _client = client;
        _options = options;
        _time = time;
    }

    /// <summary>Reads the status.</summary>
    /// <param name="includeAllDead">List dead silos however long ago they died.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<ClusterStatus> ReadAsync(bool includeAllDead = false, CancellationToken cancellationToken = default)
    {
        var management = _client.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false, cancellationToken)
            .WaitAsync(_options.StatusQueryTimeout, _time, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var cutoff = now - _options.DeadSiloRetention;

        var shown = new List<MembershipEntry>();
        var hidden = 0;
        foreach (var host in hosts)
        {
            if (host.Status == SiloStatus.Dead && !includeAllDead && AsUtc(host.IAmAliveTime) < cutoff)
            {
                hidden++;
                continue;
            }

            shown.Add(host);
        }

        var entries = await Task.WhenAll(shown.Select(host => DescribeAsync(host, cancellationToken))).ConfigureAwait(false);
        var ordered = entries
            .OrderBy(static e => e.Status == "Dead" ? 1 : 0)
            .ThenBy(static e => e.Name, StringComparer.Ordinal)
            .ThenBy(static e => e.Address, StringComparer.Ordinal)
            .ToList();
        return new ClusterStatus(now, ordered, hidden);
    }

    private async Task<SiloStatusEntry> DescribeAsync(MembershipEntry host, CancellationToken cancellationToken)
    {
        NodeMonitorInfo? info = null;
        NodeSample? latest = null;
        string? error = null;
        if (host.Status == SiloStatus.Active)
        {
            try
            {
                var monitor = _client.GetNodeMonitor(host.SiloAddress);
                var infoTask = monitor.GetInfo();
                var latestTask = monitor.GetLatest();
                // Both calls share one timeout, and a failure of either is observed here rather than left unobserved.
                await Task.WhenAll(infoTask, latestTask).WaitAsync(_options.StatusQueryTimeout, _time, cancellationToken).ConfigureAwait(false);
                info = await infoTask.ConfigureAwait(false);
                latest = await latestTask.ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                error = $"node monitor did not answer within {_options.StatusQueryTimeout.TotalSeconds:0.#} s";
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error = $"node monitor unreachable: {exception.GetType().Name}: {ErrorText.FirstLine(exception.Message)}";
            }
        }

        return new SiloStatusEntry(
            NodeMonitorKey.For(host.SiloAddress),
            host.SiloName ?? string.Empty,
            host.HostName ?? string.Empty,
            host.Status.ToString(),
            AsUtc(host.StartTime),
            AsUtc(host.IAmAliveTime),
            info,
            latest,
            error);
    }

    private static DateTimeOffset AsUtc(DateTime time)
        => time == default ? default : new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
