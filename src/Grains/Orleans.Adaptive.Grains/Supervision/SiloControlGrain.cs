using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Adaptive.Diagnostics;
using Orleans.Adaptive.Monitoring;
using Orleans.Adaptive.Placement;
using Orleans.Placement;

namespace Orleans.Adaptive.Supervision;

/// <summary>The silo's <see cref="ISiloControlGrain"/>, pinned to it like its node monitor.</summary>
[SiloPinnedPlacement]
[Immovable]
internal sealed class SiloControlGrain(IHostApplicationLifetime lifetime, ILocalSiloDetails silo, ILogger<SiloControlGrain> logger)
    : Grain, ISiloControlGrain, IAdaptiveInfrastructureGrain
{
    private readonly string _siloKey = NodeMonitorKey.For(silo.SiloAddress);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        return string.Equals(key, _siloKey, StringComparison.Ordinal)
            ? Task.CompletedTask
            : throw new InvalidOperationException($"The control grain for silo {key} was activated on silo {_siloKey}.");
    }

    public Task RequestShutdown(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        Log.ShutdownRequested(logger, _siloKey, reason);

        // Off the grain's turn and after the reply: stopping the host deactivates this grain too.
        _ = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
            lifetime.StopApplication();
        });
        return Task.CompletedTask;
    }
}
