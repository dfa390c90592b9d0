using Orleans.Placement;

namespace Orleans.Adaptive.Placement;

/// <summary>
/// Places a grain on the silo named by its key (a <see cref="NodeMonitorKey"/>) and nowhere else.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("adaptive.SiloPinnedPlacement")]
internal sealed class SiloPinnedPlacement : PlacementStrategy
{
    public static readonly SiloPinnedPlacement Instance = new();
}

/// <summary>Marks a grain class for <see cref="SiloPinnedPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
internal sealed class SiloPinnedPlacementAttribute : PlacementAttribute
{
    public SiloPinnedPlacementAttribute()
        : base(SiloPinnedPlacement.Instance)
    {
    }
}
