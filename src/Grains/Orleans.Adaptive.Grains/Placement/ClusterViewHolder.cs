using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using Orleans.Adaptive.Learning.Placement;

namespace Orleans.Adaptive.Placement;

/// <summary>
/// The silo's copy of the supervisor's latest <see cref="ClusterLoadView"/>, compiled for the placement director.
/// </summary>
/// <remarks>
/// The node monitor updates it when its report to the supervisor returns a newer view; the director reads it on
/// every placement without locking (the compiled table is immutable apart from its placement counters). A view
/// counts as stale once no newer one has arrived for <see cref="AdaptationOptions.StaleViewCycles"/> cycles, which
/// is what happens when the supervisor cannot be reached; placement then falls back to Orleans' own.
/// </remarks>
internal sealed class ClusterViewHolder(IOptions<AdaptiveRuntimeOptions> options, TimeProvider time)
{
    private readonly int _staleViewCycles = options.Value.Adaptation.StaleViewCycles;
    private readonly bool _adaptationAllowed = options.Value.Adaptation.Enabled;
    private CompiledView? _current;

    /// <summary>The latest view, or null before the first.</summary>
    public ClusterLoadView? View => Volatile.Read(ref _current)?.View;

    /// <summary>Takes a view if it is newer than the one held.</summary>
    public void Update(ClusterLoadView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var held = Volatile.Read(ref _current);
        if (held is not null && held.View.Version >= view.Version)
        {
            return;
        }

        Volatile.Write(ref _current, CompiledView.Compile(view, time.GetTimestamp()));
    }

    /// <summary>The view to place by, if there is a fresh one and adaptation is on.</summary>
    public bool TryGetUsable([NotNullWhen(true)] out CompiledView? view)
    {
        view = Volatile.Read(ref _current);
        if (view is null || !_adaptationAllowed || !view.View.AdaptationEnabled || view.Table.EligibleCount == 0)
        {
            return false;
        }

        var staleAfter = view.View.CycleInterval * _staleViewCycles;
        return time.GetElapsedTime(view.ReceivedAt) <= staleAfter;
    }

    /// <summary>The version of the view held, 0 without one.</summary>
    public long Version => Volatile.Read(ref _current)?.View.Version ?? 0;
}

/// <summary>A view turned into what placement needs: silo addresses to indexes, and a headroom table.</summary>
internal sealed class CompiledView
{
    private readonly Dictionary<SiloAddress, int> _indexes;
    private readonly SiloAdaptiveState[] _states;

    private CompiledView(ClusterLoadView view, Dictionary<SiloAddress, int> indexes, SiloAdaptiveState[] states, HeadroomTable table, long receivedAt)
    {
        View = view;
        _indexes = indexes;
        _states = states;
        Table = table;
        ReceivedAt = receivedAt;
    }

    public ClusterLoadView View { get; }

    public HeadroomTable Table { get; }

    /// <summary>When the view arrived on this silo (a <see cref="TimeProvider"/> timestamp).</summary>
    public long ReceivedAt { get; }

    /// <summary>The silo's index in <see cref="Table"/>, or -1 for a silo the view does not know (it joined since).</summary>
    public int IndexOf(SiloAddress silo) => _indexes.TryGetValue(silo, out var index) ? index : -1;

    /// <summary>The state of a silo, Active for one the view does not know.</summary>
    public SiloAdaptiveState StateOf(SiloAddress silo) => _indexes.TryGetValue(silo, out var index) ? _states[index] : SiloAdaptiveState.Active;

    public static CompiledView Compile(ClusterLoadView view, long receivedAt)
    {
        var silos = view.Silos ?? [];
        var indexes = new Dictionary<SiloAddress, int>(silos.Count);
        var load = new List<double>(silos.Count);
        var capacity = new List<double>(silos.Count);
        var eligible = new List<bool>(silos.Count);
        var states = new List<SiloAdaptiveState>(silos.Count);
        foreach (var silo in silos)
        {
            // A view comes from our own supervisor, but a malformed entry must not break placement: skip it.
            if (!SiloAddress.TryParse(silo.Silo, out var address) || indexes.ContainsKey(address)
                || !double.IsFinite(silo.Capacity) || silo.Capacity <= 0)
            {
                continue;
            }

            indexes[address] = load.Count;
            load.Add(double.IsFinite(silo.PredictedLoad) ? Math.Max(0, silo.PredictedLoad) : 0);
            capacity.Add(silo.Capacity);
            eligible.Add(silo.State == SiloAdaptiveState.Active);
            states.Add(silo.State);
        }

        var perPlacement = double.IsFinite(view.ExpectedPartitionLoad) && view.ExpectedPartitionLoad > 0 ? view.ExpectedPartitionLoad : 1e-3;
        var table = new HeadroomTable(load.ToArray(), capacity.ToArray(), eligible.ToArray(), perPlacement);
        return new CompiledView(view, indexes, [.. states], table, receivedAt);
    }
}
