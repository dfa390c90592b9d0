using Orleans.Adaptive.Learning.Anomaly;

namespace Orleans.Adaptive.Learning.Health;

/// <summary>Settings of a <see cref="FleetHealthDetector"/>. Counts are in cycles (one reading per node per cycle).</summary>
public sealed record FleetHealthOptions
{
    /// <summary>Healthy readings of a node its baseline (median and spread per metric) is taken from. Default 300.</summary>
    public int BaselineWindow { get; init; } = 300;

    /// <summary>Healthy readings a node needs before it is scored (it is Healthy until then). Default 20.</summary>
    public int MinimumBaseline { get; init; } = 20;

    /// <summary>
    /// Readings whose median is each feature: a blip shorter than half of them (a GC burst, a latency spike) does not
    /// move it, a sustained change does within half of them. Default 7.
    /// </summary>
    public int SmoothingWindow { get; init; } = 7;

    /// <summary>Pooled healthy feature vectors (all nodes) needed before the first forest is grown. Default 200.</summary>
    public int MinimumTraining { get; init; } = 200;

    /// <summary>Most recent healthy feature vectors kept to train on. Default 2048.</summary>
    public int TrainingWindow { get; init; } = 2048;

    /// <summary>Cycles between retrainings on the most recent healthy vectors. Default 300.</summary>
    public int RetrainEvery { get; init; } = 300;

    /// <summary>
    /// The alarm threshold is this quantile of the training vectors' own scores (plus <see cref="ThresholdMargin"/>):
    /// a healthy node exceeds it about once in 1 / (1 − q) readings, and the hysteresis below turns that into a rare
    /// event. Default 0.999.
    /// </summary>
    public double ThresholdQuantile { get; init; } = 0.999;

    /// <summary>
    /// Added to the quantile of <see cref="ThresholdQuantile"/>: the training vectors leave out everything that was
    /// evidence, so their quantile sits close to ordinary scores, and a score that merely grazes it flickers. A
    /// single metric far out is caught by <see cref="ExtremeDeviation"/>; the forest has to flag a clearly unusual
    /// combination. Default 0.05.
    /// </summary>
    public double ThresholdMargin { get; init; } = 0.05;

    /// <summary>
    /// A smoothed deviation (robust σ, relative to the peers, in the worse direction) at or beyond which a metric is
    /// evidence by itself. The forest judges how unusual a combination is, but it scores any point beyond the
    /// training range of one feature much like the training extreme, so it cannot tell a 4σ excursion from a 40σ
    /// one; this check can. Default 6.
    /// </summary>
    public double ExtremeDeviation { get; init; } = 6;

    /// <summary>
    /// The forest's verdict counts only when at least one feature is this far out (robust σ, relative to the peers,
    /// in the worse direction). The features are one-sided, so healthy training vectors pile up at 0 and the forest
    /// can isolate a vector of small positive values that no operator would call unusual (seen on a fleet where every
    /// feature of an "anomalous" silo was within 0.3σ). 0 lets the forest decide alone. Default 1.5.
    /// </summary>
    public double MinimumAnomalyDeviation { get; init; } = 1.5;

    /// <summary>High readings among the last <see cref="SuspectWindow"/> that make a Healthy node Suspect. Default 3.</summary>
    public int SuspectCount { get; init; } = 3;

    /// <summary>Window of <see cref="SuspectCount"/>. Default 5.</summary>
    public int SuspectWindow { get; init; } = 5;

    /// <summary>
    /// Cycles in a row a Suspect node must keep meeting the Suspect condition, the last of them with evidence, before
    /// it is Failing: only sustained trouble is acted on. Default 6.
    /// </summary>
    public int FailingCycles { get; init; } = 6;

    /// <summary>Calm cycles in a row that clear a Suspect node. Default 10.</summary>
    public int ClearCycles { get; init; } = 10;

    /// <summary>
    /// Calm cycles in a row that release a Failing node; doubled each time the same node fails again (up to
    /// <see cref="MaxReleaseCycles"/>), so a flapping node stays out longer each time. Default 60.
    /// </summary>
    public int ReleaseCycles { get; init; } = 60;

    /// <summary>The most <see cref="ReleaseCycles"/> can grow to. Default 3600.</summary>
    public int MaxReleaseCycles { get; init; } = 3600;

    /// <summary>
    /// How many times longer a Failing node takes to be released when what condemned it is no longer measured (a
    /// quarantined node drained of its work has no latency): its last readings of those metrics hold, so it is not
    /// seen to recover from what it is not seen doing, and it comes back on probation only after
    /// <see cref="ReleaseCycles"/> (as doubled) × this many cycles without other evidence. 1 or more; default 4.
    /// </summary>
    public int UnmeasuredReleaseFactor { get; init; } = 4;

    /// <summary>Readings of a limited metric its trend is fitted to. Default 30.</summary>
    public int ExhaustionWindow { get; init; } = 30;

    /// <summary>A node whose limited metric reaches its limit within this time is Suspect. Default 5 minutes.</summary>
    public TimeSpan ExhaustionHorizon { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A node whose limited metric reaches its limit within this time is Failing. Default 2 minutes.</summary>
    public TimeSpan FailingExhaustionHorizon { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Cycles without a reading after which a node is Suspect (it may be frozen). Default 3.</summary>
    public int SilentCycles { get; init; } = 3;

    /// <summary>Top contributing features named in each verdict of a node that is not Healthy. Default 3.</summary>
    public int TopFeatures { get; init; } = 3;

    /// <summary>The forest's settings (ψ, trees, seed).</summary>
    public IsolationForestOptions Forest { get; init; } = new();

    /// <summary>Throws if a setting cannot work.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BaselineWindow, 10);
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumBaseline, 5);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MinimumBaseline, BaselineWindow);
        ArgumentOutOfRangeException.ThrowIfLessThan(SmoothingWindow, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumTraining, 10);
        ArgumentOutOfRangeException.ThrowIfLessThan(TrainingWindow, MinimumTraining);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetrainEvery, 1);
        if (!(ThresholdQuantile > 0.5 && ThresholdQuantile < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ThresholdQuantile), ThresholdQuantile, "The threshold quantile must be above 0.5 and below 1.");
        }

        if (!double.IsFinite(ThresholdMargin) || ThresholdMargin < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ThresholdMargin), ThresholdMargin, "The threshold margin must be a finite number, 0 or more.");
        }

        if (!double.IsFinite(ExtremeDeviation) || ExtremeDeviation <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ExtremeDeviation), ExtremeDeviation, "The extreme deviation must be a finite number above 0.");
        }

        if (!double.IsFinite(MinimumAnomalyDeviation) || MinimumAnomalyDeviation < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumAnomalyDeviation), MinimumAnomalyDeviation, "The minimum anomaly deviation must be a finite number, 0 or more.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(SuspectWindow, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(SuspectCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SuspectCount, SuspectWindow);
        ArgumentOutOfRangeException.ThrowIfLessThan(FailingCycles, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ClearCycles, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReleaseCycles, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReleaseCycles, ReleaseCycles);
        ArgumentOutOfRangeException.ThrowIfLessThan(UnmeasuredReleaseFactor, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ExhaustionWindow, 5);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ExhaustionHorizon, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(FailingExhaustionHorizon, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(FailingExhaustionHorizon, ExhaustionHorizon);
        ArgumentOutOfRangeException.ThrowIfLessThan(SilentCycles, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(TopFeatures);
        ArgumentNullException.ThrowIfNull(Forest);
        Forest.Validate();
    }
}
