namespace Orleans.Adaptive.Learning.Placement;

/// <summary>Settings of a <see cref="ScaleAdvisor"/>.</summary>
public sealed record ScaleOptions
{
    /// <summary>Utilization each silo should run at, above 0 and at most 1. Default 0.7.</summary>
    public double TargetUtilization { get; init; } = 0.7;

    /// <summary>Fewest silos ever advised, 1 or more. Default 1.</summary>
    public int MinSilos { get; init; } = 1;

    /// <summary>Most silos ever advised, at least <see cref="MinSilos"/>. Default 1,000.</summary>
    public int MaxSilos { get; init; } = 1_000;

    /// <summary>
    /// How far below the target utilization the cluster must be predicted to run, with one silo fewer, before
    /// fewer silos are advised (0 to below 1). Keeps the advice from flapping around a boundary. Default 0.15.
    /// </summary>
    public double ScaleInMargin { get; init; } = 0.15;

    /// <summary>Evaluations in a row a new count must be advised before it is published, 1 or more. Default 3.</summary>
    public int StableEvaluations { get; init; } = 3;

    /// <summary>Throws if a setting cannot work.</summary>
    public void Validate()
    {
        if (!double.IsFinite(TargetUtilization) || TargetUtilization <= 0 || TargetUtilization > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TargetUtilization), TargetUtilization, "The target utilization must be above 0 and at most 1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MinSilos, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSilos, MinSilos);
        if (!double.IsFinite(ScaleInMargin) || ScaleInMargin < 0 || ScaleInMargin >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ScaleInMargin), ScaleInMargin, "The scale-in margin must be 0 or more and below 1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(StableEvaluations, 1);
    }
}

/// <summary>
/// Turns predicted cluster load into the number of silos an autoscaler should run:
/// <c>desired = ⌈predicted load ÷ (capacity per silo × target utilization)⌉</c>, with hysteresis.
/// </summary>
/// <remarks>
/// Scaling out is advised as soon as the prediction needs it (after <see cref="ScaleOptions.StableEvaluations"/>);
/// scaling in only when the load would fit in fewer silos with <see cref="ScaleOptions.ScaleInMargin"/> to spare,
/// because adding a silo is cheap and removing one moves work.
/// </remarks>
public sealed class ScaleAdvisor
{
    private readonly ScaleOptions _options;
    private int _candidate;
    private int _candidateStreak;

    /// <summary>Creates an advisor that has advised nothing yet.</summary>
    public ScaleAdvisor(ScaleOptions? options = null)
    {
        _options = options ?? new ScaleOptions();
        _options.Validate();
    }

    /// <summary>The published advice, or null before the first evaluation.</summary>
    public int? DesiredSilos { get; private set; }

    /// <summary>
    /// Updates the advice from the predicted load of the whole cluster and the capacity of one silo (same unit,
    /// e.g. work units per second).
    /// </summary>
    /// <returns>The published advice, or null when the inputs cannot give one (unknown capacity).</returns>
    public int? Evaluate(double predictedClusterLoad, double capacityPerSilo)
    {
        if (!double.IsFinite(predictedClusterLoad) || predictedClusterLoad < 0 || !double.IsFinite(capacityPerSilo) || capacityPerSilo <= 0)
        {
            return DesiredSilos;
        }

        var perSilo = capacityPerSilo * _options.TargetUtilization;
        var needed = Clamp((int)Math.Ceiling(predictedClusterLoad / perSilo - 1e-9));
        if (DesiredSilos is not { } current)
        {
            DesiredSilos = needed;
            return DesiredSilos;
        }

        var proposal = current;
        if (needed > current)
        {
            proposal = needed;
        }
        else if (needed < current)
        {
            // Fewer silos only if they would run below the target by the margin.
            var withMargin = Clamp((int)Math.Ceiling(predictedClusterLoad / (perSilo * (1 - _options.ScaleInMargin)) - 1e-9));
            proposal = Math.Min(current, withMargin);
        }

        if (proposal == current)
        {
            _candidateStreak = 0;
            return DesiredSilos;
        }

        _candidateStreak = proposal == _candidate ? _candidateStreak + 1 : 1;
        _candidate = proposal;
        if (_candidateStreak >= _options.StableEvaluations)
        {
            DesiredSilos = proposal;
            _candidateStreak = 0;
        }

        return DesiredSilos;
    }

    private int Clamp(int silos) => Math.Clamp(silos, _options.MinSilos, _options.MaxSilos);
}
