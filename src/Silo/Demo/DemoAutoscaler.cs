using System.Globalization;

namespace Orleans.Adaptive.Silo.Demo;

/// <summary>
/// The demo's autoscaler: it acts on the supervisor's scale advice (desired silos = predicted load ÷ (capacity ×
/// target utilisation)) by starting one more silo, or by draining one it started (live migration moves its
/// partitions off) and then stopping it. One action at a time, with a cool-down, within [--silos, --scale-up-to].
/// </summary>
/// <remarks>
/// A production autoscaler (Kubernetes HPA/KEDA, a VM scale set) would read the same advice from the
/// <c>adaptive.cluster.desired_silos</c> metric; this one only shows the loop end to end in one process.
/// </remarks>
internal sealed class DemoAutoscaler(DemoCluster cluster, DemoRecorder recorder, IClusterClient client, DemoSettings settings)
{
    private static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);
    private readonly List<string> _events = [];
    private readonly Lock _lock = new();
    private DateTimeOffset _lastAction = DateTimeOffset.MinValue;
    private Task? _action;

    /// <summary>Whether the autoscaler may act at all.</summary>
    public bool Enabled => settings.Adaptation && settings.ScaleUpTo > settings.Silos;

    /// <summary>What it is doing now, if anything.</summary>
    public string? Activity { get; private set; }

    /// <summary>Silos started and stopped so far.</summary>
    public int Started { get; private set; }

    public int Stopped { get; private set; }

    /// <summary>The latest actions, newest last.</summary>
    public IReadOnlyList<string> RecentEvents(int count)
    {
        lock (_lock)
        {
            return _events.TakeLast(count).ToList();
        }
    }

    /// <summary>Looks at the advice in <paramref name="view"/> and starts an action when one is due.</summary>
    public void Evaluate(ClusterLoadView? view, CancellationToken stopping)
    {
        if (!Enabled || view?.DesiredSilos is not { } desired || _action is { IsCompleted: false } || DateTimeOffset.UtcNow - _lastAction < Cooldown)
        {
            return;
        }

        var running = cluster.Silos.Count;
        if (desired > running && running < settings.ScaleUpTo)
        {
            _action = ScaleOutAsync(desired, view, stopping);
        }
        else if (desired < running && running > settings.Silos)
        {
            _action = ScaleInAsync(cluster.Silos[^1], desired, view, stopping);
        }
    }

    /// <summary>Waits for an action in progress, so the demo stops cleanly.</summary>
    public Task WaitAsync() => _action ?? Task.CompletedTask;

    private async Task ScaleOutAsync(int desired, ClusterLoadView view, CancellationToken stopping)
    {
        var capacity = settings.Capacities.Order().ElementAt(settings.Capacities.Count / 2);
        Activity = $"starting a silo (advice: {desired})";
        try
        {
            var silo = await cluster.AddSiloAsync(capacity, stopping);
            recorder.Track(silo);
            Started++;
            Add(string.Create(CultureInfo.InvariantCulture,
                $"started {silo.Name} ({capacity:0} u/s): advice {desired} silos for predicted {view.Silos.Sum(s => s.PredictedLoad):0} u/s"));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Add($"could not start a silo: {exception.GetType().Name}: {exception.Message}");
        }
        finally
        {
            Activity = null;
            _lastAction = DateTimeOffset.UtcNow;
        }
    }

    private async Task ScaleInAsync(DemoSilo silo, int desired, ClusterLoadView view, CancellationToken stopping)
    {
        try
        {
            var reason = string.Create(CultureInfo.InvariantCulture, $"autoscaler: advice {desired} silos for predicted {view.Silos.Sum(s => s.PredictedLoad):0} u/s");
            await client.GetSupervisor().SetDraining(silo.Address, draining: true, reason);
            var deadline = DateTimeOffset.UtcNow + DrainTimeout;
            int left;
            while ((left = await ActivePartitionsAsync(silo)) > 0 && DateTimeOffset.UtcNow < deadline && !stopping.IsCancellationRequested)
            {
                Activity = $"draining {silo.Name}: {left} partitions left";
                await Task.Delay(TimeSpan.FromSeconds(1), stopping);
            }

            Activity = $"stopping {silo.Name}";
            await cluster.StopSiloAsync(silo, stopping);
            recorder.Retire(silo);
            Stopped++;
            Add(left == 0
                ? $"drained and stopped {silo.Name}: {reason}"
                : $"stopped {silo.Name} with {left} partitions not yet moved after {DrainTimeout.TotalSeconds:0} s (they re-activate elsewhere from storage)");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The demo is stopping; it stops every silo anyway.
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Add($"could not drain {silo.Name}: {exception.GetType().Name}: {exception.Message}");
        }
        finally
        {
            Activity = null;
            _lastAction = DateTimeOffset.UtcNow;
        }
    }

    private async Task<int> ActivePartitionsAsync(DemoSilo silo)
    {
        if (!NodeMonitorKey.TryParse(silo.Address, out var address))
        {
            return 0;
        }

        var loads = await client.GetNodeMonitor(address).GetPartitionLoads().WaitAsync(TimeSpan.FromSeconds(3));
        return loads.Count(static l => l.IsActive);
    }

    private void Add(string message)
    {
        lock (_lock)
        {
            _events.Add($"{DateTime.Now:HH:mm:ss} {message}");
        }
    }
}
