using Orleans.Placement;

namespace Orleans.Adaptive.Placement;

/// <summary>
/// Places a grain on the silo named by its key (a <see cref="NodeMonitorKey"/>) and nowhere else.
/// </summary>
/// <remarks>
/// Such a grain needs no grain-directory entry: placement alone says where it is, every time. Staying out of the
/// directory matters because Orleans deactivates every activation whose directory entry lived on a silo that dies,
/// even activations on healthy silos; a node monitor must not lose its silo's history to another silo's death.
/// </remarks>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("adaptive.SiloPinnedPlacement")]
internal sealed class SiloPinnedPlacement : PlacementStrategy
{
    public static readonly SiloPinnedPlacement Instance = new();

    public override bool IsUsingGrainDirectory => false;
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
