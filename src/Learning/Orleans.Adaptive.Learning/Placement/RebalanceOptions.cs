namespace Orleans.Adaptive.Learning.Placement;

/// <summary>Settings of a <see cref="RebalancePlanner"/>.</summary>
public sealed record RebalanceOptions
{
    /// <summary>
    /// A silo is hot when its predicted utilization exceeds the balanced utilization by more than this fraction
    /// (0.2: 20% above). Above 0. Default 0.2.
    /// </summary>
    public double ImbalanceThreshold { get; init; } = 0.2;

    /// <summary>
    /// A hot silo stops being hot, and a receiving silo stops receiving, at the balanced utilization plus this
    /// fraction: 0 to <see cref="ImbalanceThreshold"/>. The band between the two is the hysteresis. Default 0.1.
    /// </summary>
    public double ReleaseThreshold { get; init; } = 0.1;

    /// <summary>Planning cycles in a row a silo must be hot before work is moved off it, 1 or more. Default 2.</summary>
    public int HotCycles { get; init; } = 2;

    /// <summary>Most moves planned per cycle, across the cluster (the migration budget), 0 or more. Default 8.</summary>
    public int MaxMovesPerCycle { get; init; } = 8;

    /// <summary>Time a moved partition stays where it was put before it may move again. Default 1 minute.</summary>
    public TimeSpan PartitionCooldown { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The move cost: a move must lower the larger utilization of the two silos involved by at least this much
    /// (0.02 = 2 points of utilization), so tiny partitions are never moved for nothing. 0 or more. Default 0.02.
    /// </summary>
    public double MinimumGain { get; init; } = 0.02;

    /// <summary>
    /// Utilization up to which a silo may receive the partitions of a draining silo (above 0, at most 1).
    /// Default 0.9.
    /// </summary>
    public double DrainTargetUtilization { get; init; } = 0.9;

    /// <summary>Throws if a setting cannot work.</summary>
    public void Validate()
    {
        if (!double.IsFinite(ImbalanceThreshold) || ImbalanceThreshold <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ImbalanceThreshold), ImbalanceThreshold, "The imbalance threshold must be a finite number above 0.");
        }

        if (!double.IsFinite(ReleaseThreshold) || ReleaseThreshold < 0 || ReleaseThreshold > ImbalanceThreshold)
        {
            throw new ArgumentOutOfRangeException(nameof(ReleaseThreshold), ReleaseThreshold, "The release threshold must be between 0 and the imbalance threshold.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(HotCycles, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxMovesPerCycle);
        ArgumentOutOfRangeException.ThrowIfLessThan(PartitionCooldown, TimeSpan.Zero);
        if (!double.IsFinite(MinimumGain) || MinimumGain < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumGain), MinimumGain, "The minimum gain must be a finite number, 0 or more.");
        }

        if (!double.IsFinite(DrainTargetUtilization) || DrainTargetUtilization <= 0 || DrainTargetUtilization > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(DrainTargetUtilization), DrainTargetUtilization, "The drain target utilization must be above 0 and at most 1.");
        }
    }
}
