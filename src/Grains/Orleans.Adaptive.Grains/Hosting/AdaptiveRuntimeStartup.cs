using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Adaptive.Diagnostics;
using Orleans.Storage;

namespace Orleans.Adaptive.Hosting;

/// <summary>
/// Joins the silo's lifecycle: checks that the runtime can work before the silo serves anything, then starts the
/// silo's node monitor once the silo is active.
/// </summary>
internal sealed class AdaptiveRuntimeStartup(
    IServiceProvider services,
    IGrainFactory grainFactory,
    ILocalSiloDetails silo,
    AdaptiveInstruments instruments,
    ILogger<AdaptiveRuntimeStartup> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _stopping = new();
    private Task _starting = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle)
    {
        lifecycle.Subscribe(nameof(AdaptiveRuntimeStartup), ServiceLifecycleStage.RuntimeInitialize, CheckConfiguration);
        lifecycle.Subscribe(nameof(AdaptiveRuntimeStartup), ServiceLifecycleStage.Active, StartNodeMonitor, StopAsync);
    }

    private Task CheckConfiguration(CancellationToken cancellationToken)
    {
        var isKeyed = services.GetService<IServiceProviderIsKeyedService>();
        if (isKeyed is not null && !isKeyed.IsKeyedService(typeof(IGrainStorage), AdaptiveStorage.ProviderName))
        {
            throw new OrleansConfigurationException(
                $"Orleans.Adaptive needs a grain storage provider named '{AdaptiveStorage.ProviderName}' for work partitions: " +
                $"add siloBuilder.AddMemoryGrainStorage(\"{AdaptiveStorage.ProviderName}\") for a local cluster or " +
                $"siloBuilder.AddRedisGrainStorage(\"{AdaptiveStorage.ProviderName}\", …) in production.");
        }

        // Create the instruments now, so the gauges exist before anything asks for them.
        GC.KeepAlive(instruments);
        return Task.CompletedTask;
    }

    private Task StartNodeMonitor(CancellationToken cancellationToken)
    {
        // Not awaited: the silo must not wait on its own grain calls to finish starting.
        _starting = StartNodeMonitorWithRetriesAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    private async Task StartNodeMonitorWithRetriesAsync(CancellationToken cancellationToken)
    {
        var monitor = grainFactory.GetNodeMonitor(silo.SiloAddress);
        var delay = TimeSpan.FromMilliseconds(200);
        for (var attempt = 1; !cancellationToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await monitor.Start().WaitAsync(cancellationToken);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                Log.NodeMonitorStartFailed(logger, exception, NodeMonitorKey.For(silo.SiloAddress), attempt, delay);
                try
                {
                    await Task.Delay(delay, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _starting.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
