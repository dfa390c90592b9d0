using Orleans.Placement;

namespace Orleans.Adaptive.Placement;

/// <summary>
/// Places new activations on the silo with the most predicted headroom among a few random candidates, never on a
/// quarantined or draining silo, and honours placement hints (live migration depends on them).
/// </summary>
/// <remarks>
/// Registered by <c>AddAdaptiveRuntime</c>. Work partitions use it; mark your own grains with
/// <see cref="PredictedLoadPlacementAttribute"/>, or make it the default for every grain with
/// <c>siloBuilder.UsePredictedLoadPlacementByDefault()</c>. Until the supervisor has published a view, or while
/// adaptation is switched off, it behaves as Orleans' resource-optimized placement.
/// </remarks>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("adaptive.PredictedLoadPlacement")]
public sealed class PredictedLoadPlacement : PlacementStrategy
{
    /// <summary>The shared instance.</summary>
    public static PredictedLoadPlacement Instance { get; } = new();
}

/// <summary>Places a grain class with <see cref="PredictedLoadPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class PredictedLoadPlacementAttribute : PlacementAttribute
{
    /// <summary>Creates the attribute.</summary>
    public PredictedLoadPlacementAttribute()
        : base(PredictedLoadPlacement.Instance)
    {
    }
}
