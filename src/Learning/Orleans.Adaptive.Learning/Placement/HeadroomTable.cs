namespace Orleans.Adaptive.Learning.Placement;

/// <summary>
/// The placement director's working table: each silo's predicted load and capacity from the latest view, plus the
/// placements the director has made itself since that view, so a burst of activations does not herd onto the silo
/// that looked best when the view was taken.
/// </summary>
/// <remarks>
/// <para>
/// Built once per view and then read on every placement, concurrently: the only mutable part is the per-silo
/// placement counter, updated with <see cref="Interlocked"/>. A placement projects the silo's utilization as
/// <c>(predicted load + (placed + 1) × load per placement) ÷ capacity</c>, so each placement makes the silo it chose
/// look a little fuller to the next one, the trick Orleans' activation-count placement uses against herding.
/// </para>
/// <para>
/// With power-of-d choices (<see cref="ChooseBest"/> over d random candidates) the load ends up spread in proportion
/// to headroom, yet each decision reads only d entries: the cost does not grow with the cluster.
/// </para>
/// </remarks>
public sealed class HeadroomTable
{
    private readonly double[] _predictedLoad;
    private readonly double[] _capacity;
    private readonly bool[] _eligible;
    private readonly long[] _placed;

    /// <summary>Creates a table.</summary>
    /// <param name="predictedLoad">Each silo's predicted load over the next interval (work units per second).</param>
    /// <param name="capacity">Each silo's capacity, in the same unit; must be greater than zero.</param>
    /// <param name="eligible">Whether a silo may receive new activations (false: quarantined or draining).</param>
    /// <param name="loadPerPlacement">Load a new activation is expected to bring; greater than zero.</param>
    public HeadroomTable(ReadOnlySpan<double> predictedLoad, ReadOnlySpan<double> capacity, ReadOnlySpan<bool> eligible, double loadPerPlacement)
    {
        if (capacity.Length != predictedLoad.Length || eligible.Length != predictedLoad.Length)
        {
            throw new ArgumentException("Loads, capacities and eligibility must describe the same silos.", nameof(capacity));
        }

        if (!double.IsFinite(loadPerPlacement) || loadPerPlacement <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(loadPerPlacement), loadPerPlacement, "The load per placement must be a finite number greater than zero.");
        }

        for (var i = 0; i < capacity.Length; i++)
        {
            if (!double.IsFinite(capacity[i]) || capacity[i] <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(capacity), capacity[i], $"Capacity of silo {i} must be a finite number greater than zero.");
            }

            if (!double.IsFinite(predictedLoad[i]) || predictedLoad[i] < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(predictedLoad), predictedLoad[i], $"Predicted load of silo {i} must be a finite number, 0 or more.");
            }
        }

        _predictedLoad = predictedLoad.ToArray();
        _capacity = capacity.ToArray();
        _eligible = eligible.ToArray();
        _placed = new long[predictedLoad.Length];
        LoadPerPlacement = loadPerPlacement;
        for (var i = 0; i < _eligible.Length; i++)
        {
            if (_eligible[i])
            {
                EligibleCount++;
            }
        }
    }

    /// <summary>Silos in the table.</summary>
    public int Count => _capacity.Length;

    /// <summary>Silos that may receive new activations.</summary>
    public int EligibleCount { get; }

    /// <summary>Load a new activation is expected to bring.</summary>
    public double LoadPerPlacement { get; }

    /// <summary>Whether silo <paramref name="index"/> may receive new activations.</summary>
    public bool IsEligible(int index) => _eligible[index];

    /// <summary>Placements made on silo <paramref name="index"/> since the table was built.</summary>
    public long PlacedSince(int index) => Volatile.Read(ref _placed[index]);

    /// <summary>Silo <paramref name="index"/>'s utilization if one more activation were placed on it.</summary>
    public double ProjectedUtilization(int index)
        => (_predictedLoad[index] + (Volatile.Read(ref _placed[index]) + 1) * LoadPerPlacement) / _capacity[index];

    /// <summary>Counts a placement on silo <paramref name="index"/>.</summary>
    public void RecordPlacement(int index) => Interlocked.Increment(ref _placed[index]);

    /// <summary>
    /// Of <paramref name="candidates"/> (silo indexes; ineligible ones are skipped), the one with the lowest
    /// projected utilization, or -1 when none is eligible. Ties go to the earlier candidate, so callers pass
    /// candidates in random order.
    /// </summary>
    public int ChooseBest(ReadOnlySpan<int> candidates)
    {
        var best = -1;
        var bestScore = double.PositiveInfinity;
        foreach (var candidate in candidates)
        {
            if (!_eligible[candidate])
            {
                continue;
            }

            var score = ProjectedUtilization(candidate);
            if (score < bestScore)
            {
                best = candidate;
                bestScore = score;
            }
        }

        return best;
    }
}
