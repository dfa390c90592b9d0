using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime.Placement;

namespace Orleans.Adaptive.Bench.Placement;

/// <summary>A placement strategy under test: how each silo of its pass is configured.</summary>
/// <param name="Name">The name in the results (<c>adaptive</c>, <c>orleans-…</c>).</param>
/// <param name="Description">What the pass runs, for the report.</param>
/// <param name="IsAdaptive">Whether this project's supervisor acts (placement by prediction, rebalancing).</param>
/// <param name="BuiltInPlacement">Orleans' strategy that places work partitions instead of ours, if any.</param>
/// <param name="UsesOrleansRebalancer">Whether Orleans' activation rebalancer runs.</param>
internal sealed record StrategyCase(string Name, string Description, bool IsAdaptive, PlacementStrategy? BuiltInPlacement, bool UsesOrleansRebalancer)
{
    /// <summary>
    /// Orleans' rebalancer waits 60 s before its first session and runs a cycle every 15 s by default; a pass lasts
    /// minutes, so it gets a head start (first session after 10 s, a cycle every 5 s: the fastest its options allow
    /// with the 1 s statistics publishing period). This favours Orleans, on purpose.
    /// </summary>
    public static readonly TimeSpan RebalancerDueTime = TimeSpan.FromSeconds(10);

    /// <inheritdoc cref="RebalancerDueTime"/>
    public static readonly TimeSpan RebalancerCyclePeriod = TimeSpan.FromSeconds(5);

    public static readonly IReadOnlyList<StrategyCase> All =
    [
        new("orleans-random", "Orleans RandomPlacement", false, new RandomPlacement(), false),
        new("orleans-activation-count", "Orleans ActivationCountBasedPlacement (power of two choices on activation counts)", false, new ActivationCountBasedPlacement(), false),
        new("orleans-resource-optimized", "Orleans ResourceOptimizedPlacement, the default (CPU = simulated utilisation)", false, new ResourceOptimizedPlacement(), false),
        new("orleans-rebalancer", "ResourceOptimizedPlacement + Orleans' activation rebalancer (due 10 s, cycle 5 s)", false, new ResourceOptimizedPlacement(), true),
        new("adaptive", "Orleans.Adaptive: predicted-load placement + supervisor rebalancing by live migration", true, null, false),
    ];

    public static StrategyCase? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Applies the strategy to a silo.</summary>
    public void Configure(ISiloBuilder silo)
    {
        if (BuiltInPlacement is { } strategy)
        {
            silo.Services.AddSingleton(new WorkPartitionPlacementOverride(strategy));
            silo.Services.AddSingleton<IPlacementStrategyResolver>(static sp => sp.GetRequiredService<WorkPartitionPlacementOverride>());
        }

        if (UsesOrleansRebalancer)
        {
#pragma warning disable ORLEANSEXP002 // Orleans marks its rebalancer experimental; it is one of the baselines.
            silo.AddActivationRebalancer();
#pragma warning restore ORLEANSEXP002
            silo.Services.Configure<ActivationRebalancerOptions>(options =>
            {
                options.RebalancerDueTime = RebalancerDueTime;
                options.SessionCyclePeriod = RebalancerCyclePeriod;
            });
        }
    }
}
