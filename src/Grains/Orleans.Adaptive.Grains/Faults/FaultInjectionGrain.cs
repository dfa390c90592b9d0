using Orleans.Adaptive.Monitoring;
using Orleans.Adaptive.Placement;
using Orleans.Placement;

namespace Orleans.Adaptive.Faults;

/// <summary>The silo's door to its <see cref="SiloFaultInjector"/>, pinned to the silo like its node monitor.</summary>
[SiloPinnedPlacement]
[Immovable]
internal sealed class FaultInjectionGrain(SiloFaultInjector injector, ILocalSiloDetails silo) : Grain, IFaultInjectionGrain, IAdaptiveInfrastructureGrain
{
    private readonly string _siloKey = NodeMonitorKey.For(silo.SiloAddress);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        return string.Equals(key, _siloKey, StringComparison.Ordinal)
            ? Task.CompletedTask
            : throw new InvalidOperationException($"The fault injector for silo {key} was activated on silo {_siloKey}.");
    }

    public Task<InjectedFault> Inject(FaultSpec fault) => Task.FromResult(injector.Inject(fault));

    public Task Clear()
    {
        injector.Clear();
        return Task.CompletedTask;
    }

    public Task<FaultStatus> GetStatus() => Task.FromResult(injector.Status(_siloKey));
}
