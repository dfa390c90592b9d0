using Orleans.Metadata;
using Orleans.Runtime.Placement;

namespace Orleans.Adaptive.Bench.Placement;

/// <summary>
/// Places work partitions with one of Orleans' built-in strategies instead of their own
/// <c>[PredictedLoadPlacement]</c>, so every pass runs the same grains and differs only in placement.
/// </summary>
internal sealed class WorkPartitionPlacementOverride(PlacementStrategy strategy) : IPlacementStrategyResolver
{
    /// <summary>Grain types this resolver has placed with <see cref="Strategy"/> (to check it took effect).</summary>
    public int Resolved { get; private set; }

    public PlacementStrategy Strategy => strategy;

    public bool TryResolvePlacementStrategy(GrainType grainType, GrainProperties? properties, out PlacementStrategy result)
    {
        if (properties is not null
            && properties.Properties.TryGetValue(WellKnownGrainTypeProperties.TypeName, out var typeName)
            && typeName.StartsWith("WorkPartitionGrain", StringComparison.Ordinal))
        {
            Resolved++;
            result = strategy;
            return true;
        }

        result = null!;
        return false;
    }
}
