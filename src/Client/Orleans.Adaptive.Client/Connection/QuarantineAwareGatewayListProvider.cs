using Microsoft.Extensions.Logging;
using Orleans.Messaging;
using Orleans.Runtime;

namespace Orleans.Adaptive.Client;

/// <summary>
/// The client's gateway list without the silos the supervisor has quarantined: a failing silo makes a poor gateway,
/// and a client should stop routing through it before it dies, not after.
/// </summary>
/// <remarks>
/// <para>
/// Orleans' gateway manager asks for the list every refresh period and closes its connections to gateways that are
/// no longer on it, failing the calls still waiting on them; the work producer then retries them, with the same
/// idempotency keys, through the gateways that remain. Silos the supervisor evicts drop out of the inner list (the
/// membership table) in the same way, which is what frees a client from a frozen gateway.
/// </para>
/// <para>
/// Which silos are quarantined is learnt in the background after each refresh (a call to the supervisor and one to
/// the management grain, each with a short timeout), so a refresh never waits on the cluster, and a client that cannot
/// learn it keeps its last knowledge. It never empties the list: if every gateway is quarantined, all are kept.
/// </para>
/// </remarks>
internal sealed partial class QuarantineAwareGatewayListProvider(IGatewayListProvider inner, IServiceProvider services, ILogger<QuarantineAwareGatewayListProvider> logger) : IGatewayListProvider
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(2);
    private volatile HashSet<(string Host, int Port)> _avoided = [];
    private int _refreshing;
    private bool _initialized;

    public TimeSpan MaxStaleness => inner.MaxStaleness;

    [Obsolete("Orleans no longer reads it; every provider is updatable.")]
    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider() => inner.InitializeGatewayListProvider();

    public async Task<IList<Uri>> GetGateways()
    {
        var gateways = await inner.GetGateways().ConfigureAwait(false);

        // The first call comes while the client is starting: nothing can be asked yet.
        if (_initialized)
        {
            StartRefresh();
        }

        _initialized = true;
        var avoided = _avoided;
        if (avoided.Count == 0 || gateways is null)
        {
            return gateways!;
        }

        var kept = gateways.Where(uri => !avoided.Contains((uri.Host, uri.Port))).ToList();
        if (kept.Count < gateways.Count)
        {
            LogAvoiding(logger, gateways.Count - kept.Count, string.Join(", ", avoided.Select(a => $"{a.Host}:{a.Port}")));
        }

        return kept.Count > 0 ? kept : gateways;
    }

    private void StartRefresh()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            _ = Task.Run(RefreshAsync);
        }
    }

    private async Task RefreshAsync()
    {
        try
        {
            var grains = (IGrainFactory)services.GetService(typeof(IGrainFactory))!;
            var status = await grains.GetSupervisor().GetStatus().WaitAsync(QueryTimeout).ConfigureAwait(false);
            if (status.Quarantined.Count == 0)
            {
                _avoided = [];
                return;
            }

            var hosts = await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true).WaitAsync(QueryTimeout).ConfigureAwait(false);
            var quarantined = status.Quarantined.ToHashSet(StringComparer.Ordinal);
            _avoided = hosts
                .Where(h => quarantined.Contains(NodeMonitorKey.For(h.SiloAddress)) && h.ProxyPort > 0)
                .Select(h => (h.SiloAddress.Endpoint.Address.ToString(), h.ProxyPort))
                .ToHashSet();
        }
        catch (Exception exception)
        {
            // Keep what we knew: the supervisor may be moving, or this gateway may be the one failing.
            LogRefreshFailed(logger, exception.GetType().Name, exception.Message);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    [LoggerMessage(5001, LogLevel.Information, "Not routing through {Count} quarantined gateway(s): {Gateways}.")]
    private static partial void LogAvoiding(ILogger logger, int count, string gateways);

    [LoggerMessage(5002, LogLevel.Debug, "Could not learn which silos are quarantined ({ErrorType}: {Error}); keeping the last list.")]
    private static partial void LogRefreshFailed(ILogger logger, string errorType, string error);
}
