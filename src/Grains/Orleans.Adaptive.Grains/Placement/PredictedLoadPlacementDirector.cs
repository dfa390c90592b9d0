using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;

namespace Orleans.Adaptive.Placement;

/// <summary>
/// The director of <see cref="PredictedLoadPlacement"/>: best of d random candidates by projected utilization
/// (predicted load plus what this silo has placed since the view, over capacity), among silos that are neither
/// quarantined nor draining.
/// </summary>
/// <remarks>
/// <para>
/// It runs on every new activation, on the silo that addresses the first message (the caller's silo, or the
/// gateway for client calls), so each decision reads only d table entries and allocates nothing but the result.
/// Each silo counts its own placements between views (<see cref="Learning.Placement.HeadroomTable"/>), so a burst
/// spreads instead of herding onto the silo that looked best when the view was taken.
/// </para>
/// <para>
/// A placement hint is honoured unless it names a quarantined or draining silo: live migration relies on hints,
/// both ours and those of Orleans' own rebalancers. Orleans also re-runs the director on a grain's current silo
/// when the grain is asked to migrate; the hint then decides the target.
/// </para>
/// <para>
/// With no fresh view (the supervisor has not published one yet or cannot be reached), with adaptation switched
/// off, or if no compatible silo is eligible, it defers to Orleans' resource-optimized director, so the cluster
/// behaves as plain Orleans would.
/// </para>
/// </remarks>
internal sealed class PredictedLoadPlacementDirector(
    ClusterViewHolder views,
    IServiceProvider services,
    IOptions<AdaptiveRuntimeOptions> options) : IPlacementDirector
{
    private static readonly ResourceOptimizedPlacement FallbackStrategy = new();
    private readonly int _candidates = options.Value.Placement.Candidates;
    private IPlacementDirector? _fallback;

    /// <summary>Orleans' resource-optimized director, resolved on first use (directors are created lazily too).</summary>
    private IPlacementDirector Fallback
        => _fallback ??= services.GetRequiredKeyedService<IPlacementDirector>(typeof(ResourceOptimizedPlacement));

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        if (!views.TryGetUsable(out var view))
        {
            return Fallback.OnAddActivation(FallbackStrategy, target, context);
        }

        var compatible = context.GetCompatibleSilos(target);
        var hint = IPlacementDirector.GetPlacementHint(target.RequestContextData, compatible);
        if (hint is not null && view.StateOf(hint) == SiloAdaptiveState.Active)
        {
            return Task.FromResult(hint);
        }

        var chosen = ChooseAmongRandomCandidates(view, compatible) ?? ChooseAmongAll(view, compatible);
        return chosen is not null ? Task.FromResult(chosen) : Fallback.OnAddActivation(FallbackStrategy, target, context);
    }

    /// <summary>Best of up to d eligible silos drawn at random (with replacement), or null if the draws found none.</summary>
    private SiloAddress? ChooseAmongRandomCandidates(CompiledView view, SiloAddress[] compatible)
    {
        if (compatible.Length == 0)
        {
            return null;
        }

        SiloAddress? best = null;
        var bestIndex = -1;
        var bestScore = double.PositiveInfinity;
        var eligibleSeen = 0;
        for (var attempt = 0; attempt < 4 * _candidates && eligibleSeen < _candidates; attempt++)
        {
            var silo = compatible[Random.Shared.Next(compatible.Length)];
            if (!TryScore(view, silo, out var index, out var score))
            {
                continue;
            }

            eligibleSeen++;
            if (score < bestScore)
            {
                (best, bestIndex, bestScore) = (silo, index, score);
            }
        }

        if (bestIndex >= 0)
        {
            view.Table.RecordPlacement(bestIndex);
        }

        return best;
    }

    /// <summary>Best eligible silo of all (when random draws hit only ineligible ones), or null if none is eligible.</summary>
    private static SiloAddress? ChooseAmongAll(CompiledView view, SiloAddress[] compatible)
    {
        SiloAddress? best = null;
        var bestIndex = -1;
        var bestScore = double.PositiveInfinity;
        foreach (var silo in compatible)
        {
            if (TryScore(view, silo, out var index, out var score) && score < bestScore)
            {
                (best, bestIndex, bestScore) = (silo, index, score);
            }
        }

        if (bestIndex >= 0)
        {
            view.Table.RecordPlacement(bestIndex);
        }

        return best;
    }

    /// <summary>
    /// The projected utilization of <paramref name="silo"/>; false when it may not receive activations. A silo the
    /// view does not know yet (it joined since) scores 0: new silos should take load.
    /// </summary>
    private static bool TryScore(CompiledView view, SiloAddress silo, out int index, out double score)
    {
        index = view.IndexOf(silo);
        if (index < 0)
        {
            score = 0;
            return true;
        }

        if (!view.Table.IsEligible(index))
        {
            score = double.NaN;
            return false;
        }

        score = view.Table.ProjectedUtilization(index);
        return true;
    }
}
