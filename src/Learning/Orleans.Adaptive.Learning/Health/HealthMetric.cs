namespace Orleans.Adaptive.Learning.Health;

/// <summary>Which way a health metric goes when a node gets worse.</summary>
public enum MetricDirection
{
    /// <summary>Higher is worse (latency, errors, cost per unit of work): only rises count.</summary>
    HigherIsWorse = 0,

    /// <summary>Lower is worse: only falls count.</summary>
    LowerIsWorse = 1,

    /// <summary>Any departure counts.</summary>
    Both = 2,
}

/// <summary>One metric a <see cref="FleetHealthDetector"/> watches on every node.</summary>
/// <param name="Name">Its name, used in explanations (e.g. <c>latency-p99</c>).</param>
/// <param name="AbsoluteFloor">
/// The smallest spread a deviation is measured in, in the metric's unit. A metric that barely moves while healthy
/// (a MAD near zero) would otherwise turn a trivial change into an enormous deviation.
/// </param>
/// <param name="RelativeFloor">The smallest spread as a fraction of the node's own median (0.05: 5%).</param>
/// <param name="Direction">Which way is worse.</param>
/// <param name="PeerRelative">
/// Whether the node is compared with its peers at the same moment (its deviation minus the median deviation of all
/// nodes), so that what every node does at once, such as a cluster-wide load peak, does not count.
/// </param>
/// <param name="Limit">
/// For a resource that runs out (a fraction of memory used, say): the value at which the node fails. Its trend is
/// extrapolated every cycle, and a node heading for the limit is suspect before any deviation shows.
/// </param>
/// <param name="HoldWhenMissing">
/// Whether a missing reading keeps the last deviation instead of counting as neutral: right for what a node is
/// (its cost per unit of work does not improve because it is idle), wrong for what it does (an idle node has no
/// latency to speak of).
/// </param>
public sealed record HealthMetric(
    string Name,
    double AbsoluteFloor,
    double RelativeFloor = 0.05,
    MetricDirection Direction = MetricDirection.HigherIsWorse,
    bool PeerRelative = true,
    double? Limit = null,
    bool HoldWhenMissing = false)
{
    /// <summary>Throws if the metric cannot work.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Name);
        if (!double.IsFinite(AbsoluteFloor) || AbsoluteFloor <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(AbsoluteFloor), AbsoluteFloor, $"Metric {Name}: the absolute floor must be a finite number above 0.");
        }

        if (!double.IsFinite(RelativeFloor) || RelativeFloor < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RelativeFloor), RelativeFloor, $"Metric {Name}: the relative floor must be a finite number, 0 or more.");
        }

        if (Limit is { } limit && !double.IsFinite(limit))
        {
            throw new ArgumentOutOfRangeException(nameof(Limit), limit, $"Metric {Name}: the limit must be a finite number.");
        }
    }
}
