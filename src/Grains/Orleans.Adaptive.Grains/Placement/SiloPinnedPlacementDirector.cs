using Orleans.Runtime.Placement;

namespace Orleans.Adaptive.Placement;

/// <summary>
/// Places a silo-pinned grain on the silo its key names, or fails.
/// </summary>
/// <remarks>
/// <para>
/// A placement hint (<see cref="IPlacementDirector.PlacementHintKey"/>) is honoured only when it names that same
/// silo: a pinned grain must never run anywhere else, so a hint elsewhere is ignored rather than followed.
/// </para>
/// <para>
/// Orleans runs the director on the grain's current silo when someone asks the grain to migrate; the answer is
/// always that silo, so migration requests (and the built-in rebalancer) leave it where it is.
/// </para>
/// <para>
/// When the named silo is not an active, compatible silo, placement throws <see cref="SiloUnavailableException"/>:
/// asking a dead silo's monitor for data fails fast instead of creating an impostor somewhere else.
/// </para>
/// </remarks>
internal sealed class SiloPinnedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString();
        if (!NodeMonitorKey.TryParse(key, out var pinned))
        {
            throw new ArgumentException(
                $"Grain {target.GrainIdentity} uses silo-pinned placement, but its key '{key}' is not a silo address (expected host:port@generation).",
                nameof(target));
        }

        var compatible = context.GetCompatibleSilos(target);
        if (Array.IndexOf(compatible, pinned) < 0)
        {
            throw new SiloUnavailableException(
                $"Grain {target.GrainIdentity} is pinned to silo {pinned}, which is not an active silo that can host it.");
        }

        // A hint can only agree with the key (then it changes nothing) or disagree (then it is ignored).
        return Task.FromResult(pinned);
    }
}
