namespace Orleans.Adaptive.Learning.Health;

/// <summary>What a <see cref="FleetHealthDetector"/> thinks of a node.</summary>
public enum HealthState
{
    /// <summary>Behaves like its own healthy past and like its peers.</summary>
    Healthy = 0,

    /// <summary>Showed enough evidence to be watched; nothing is done yet.</summary>
    Suspect = 1,

    /// <summary>Kept showing evidence (or stopped answering, or is about to run out of a resource): act on it.</summary>
    Failing = 2,
}

/// <summary>Kinds of evidence against a node.</summary>
[Flags]
public enum HealthEvidence
{
    /// <summary>No evidence.</summary>
    None = 0,

    /// <summary>Its features score above the forest's threshold.</summary>
    Anomalous = 1,

    /// <summary>A metric is further from its baseline, relative to the peers, than <see cref="FleetHealthOptions.ExtremeDeviation"/>.</summary>
    Extreme = 16,

    /// <summary>A limited metric is heading for its limit.</summary>
    Exhaustion = 2,

    /// <summary>Its readings stopped arriving.</summary>
    Silent = 4,

    /// <summary>It did not answer a direct probe (reported by the caller).</summary>
    Unresponsive = 8,
}

/// <summary>Why a Failing node became Healthy again.</summary>
public enum HealthRelease
{
    /// <summary>Not released this cycle.</summary>
    None = 0,

    /// <summary>It was measured calm (no evidence) for the release time.</summary>
    Recovered = 1,

    /// <summary>
    /// What condemned it was no longer measured (a drained node has no latency to judge) and nothing else spoke
    /// against it for <see cref="FleetHealthOptions.UnmeasuredReleaseFactor"/> times the release time: it returns on
    /// probation, to be judged again on the work it gets.
    /// </summary>
    Probation = 2,
}

/// <summary>One node's reading for a cycle: one value per metric, in the detector's metric order; NaN when missing.</summary>
/// <param name="Node">The node.</param>
/// <param name="Values">The values.</param>
public readonly record struct NodeReading(string Node, double[] Values);

/// <summary>One feature's part in a verdict.</summary>
/// <param name="Feature">The metric (or <c>metric.time-to-limit</c>, <c>readings.silent</c>).</param>
/// <param name="Value">The metric's latest value (seconds for a time to limit, cycles for silence).</param>
/// <param name="Deviation">How far it is from the node's healthy baseline, relative to its peers, in robust standard deviations.</param>
/// <param name="Share">Its share in the forest's score (0–1; 1 for evidence that is not the forest's).</param>
public sealed record HealthContribution(string Feature, double Value, double Deviation, double Share);

/// <summary>The detector's verdict on one node for one cycle.</summary>
/// <param name="Node">The node.</param>
/// <param name="State">Its state after this cycle.</param>
/// <param name="PreviousState">Its state before this cycle.</param>
/// <param name="Score">The forest's score of its smoothed features (NaN before the first forest or without a reading).</param>
/// <param name="Threshold">The score at or above which a reading counts as anomalous (NaN before the first forest).</param>
/// <param name="Evidence">The evidence seen this cycle.</param>
/// <param name="TimeToLimit">The soonest a limited metric reaches its limit at its trend, if it is rising.</param>
/// <param name="TopFeatures">What contributed most, when the node is not Healthy or there is evidence; empty otherwise.</param>
/// <param name="Failures">Times the node was Failing so far (it sets how long release takes).</param>
/// <param name="Release">How it left Failing this cycle, if it did.</param>
/// <param name="ReleaseAfterCycles">The cycles it waited for that release (0 when not released).</param>
public sealed record NodeHealth(
    string Node,
    HealthState State,
    HealthState PreviousState,
    double Score,
    double Threshold,
    HealthEvidence Evidence,
    TimeSpan? TimeToLimit,
    IReadOnlyList<HealthContribution> TopFeatures,
    int Failures,
    HealthRelease Release = HealthRelease.None,
    int ReleaseAfterCycles = 0)
{
    /// <summary>Whether the state changed this cycle.</summary>
    public bool Changed => State != PreviousState;

    /// <summary>A sentence on why the node is in its state, with the figures.</summary>
    public string Explain()
    {
        var parts = new List<string>();
        if (Evidence.HasFlag(HealthEvidence.Unresponsive))
        {
            parts.Add("it did not answer a direct probe");
        }

        if (Evidence.HasFlag(HealthEvidence.Silent))
        {
            parts.Add("its readings stopped arriving");
        }

        if (Evidence.HasFlag(HealthEvidence.Exhaustion) && TimeToLimit is { } eta)
        {
            parts.Add(FormattableString.Invariant($"a resource reaches its limit in {eta.TotalSeconds:0} s at its trend"));
        }

        if (Evidence.HasFlag(HealthEvidence.Anomalous))
        {
            parts.Add(FormattableString.Invariant($"anomaly score {Score:0.000} ≥ threshold {Threshold:0.000}"));
        }

        if (Evidence.HasFlag(HealthEvidence.Extreme) && TopFeatures.FirstOrDefault(static f => double.IsFinite(f.Deviation)) is { } extreme)
        {
            parts.Add(FormattableString.Invariant($"{extreme.Feature} is {extreme.Deviation:0.0}σ from its baseline relative to its peers"));
        }

        if (Release == HealthRelease.Recovered)
        {
            parts.Add(FormattableString.Invariant($"released: measured calm for {ReleaseAfterCycles} cycles"));
        }
        else if (Release == HealthRelease.Probation)
        {
            parts.Add(FormattableString.Invariant($"released on probation after {ReleaseAfterCycles} cycles: what condemned it was no longer measured, and nothing else spoke against it"));
        }

        if (parts.Count == 0)
        {
            parts.Add(State == HealthState.Healthy ? "no evidence" : "no evidence this cycle");
        }

        var top = TopFeatures.Count == 0
            ? ""
            : "; top features: " + string.Join(", ", TopFeatures.Select(static f => FormattableString.Invariant($"{f.Feature} {f.Deviation:+0.0;-0.0}σ (value {f.Value:0.###})")));
        return string.Join("; ", parts) + top;
    }
}

/// <summary>
/// A node's healthy baseline as a <see cref="FleetHealthDetector"/> holds it: per metric, the median and the robust
/// spread of its recent healthy readings (NaN where not learnt yet). Small enough to persist, so that a restarted
/// supervisor judges every node at once instead of learning a node that is already degrading as its normal.
/// </summary>
/// <param name="Node">The node.</param>
/// <param name="Metrics">The metric names, in reading order: a baseline is restored only onto the same metrics.</param>
/// <param name="Center">Median per metric.</param>
/// <param name="Scale">Spread per metric (robust σ, floored as the metric says).</param>
public sealed record NodeBaseline(string Node, IReadOnlyList<string> Metrics, IReadOnlyList<double> Center, IReadOnlyList<double> Scale);
