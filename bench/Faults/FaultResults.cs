namespace Orleans.Adaptive.Bench.Faults;

/// <summary>The JSON document of one scenario: every run (mode × seed) and a summary.</summary>
internal sealed record ScenarioReport(
    string Scenario,
    string? Description,
    string Host,
    IReadOnlyList<RunReport> Runs,
    IReadOnlyList<ModeSummary> Summary,
    int ProcessorCount,
    string Runtime,
    DateTimeOffset StartedAt,
    double WallSeconds);

/// <summary>One run of a scenario in one mode.</summary>
internal sealed record RunReport
{
    /// <summary><c>orleans</c> (membership only: adaptation switched off) or <c>adaptive</c>.</summary>
    public required string Mode { get; init; }

    public required int Seed { get; init; }

    public required IReadOnlyList<FaultReport> Faults { get; init; }

    /// <summary>Silos flagged Failing without a fault (blips do not count as faults).</summary>
    public int FalseAlarms { get; init; }

    /// <summary>Silos flagged Suspect without a fault (no action is taken on Suspect).</summary>
    public int FalseSuspects { get; init; }

    /// <summary>Why each false alarm was raised (the supervisor's reason), for diagnosis.</summary>
    public IReadOnlyList<string> FalseAlarmReasons { get; init; } = [];

    /// <summary>Silo-hours of healthy silos watched by a trained model: the exposure false alarms are counted over.</summary>
    public double HealthySiloHours { get; init; }

    /// <summary>Items acknowledged to the client but missing from the partitions' durable counts.</summary>
    public long Lost { get; init; }

    /// <summary>Items applied more often than submitted.</summary>
    public long Duplicated { get; init; }

    /// <summary>Items the client gave up on (refused for good, no answer within its retry budget, failed).</summary>
    public long FailedAtClient { get; init; }

    /// <summary>Items not sent because too many were in flight.</summary>
    public long Shed { get; init; }

    public long Submitted { get; init; }

    public long Acknowledged { get; init; }

    /// <summary>Client latency p99 from the first fault's start to the end (the whole run without faults), ms.</summary>
    public double P99Ms { get; init; }

    public double P50Ms { get; init; }

    public int Quarantines { get; init; }

    public int Evictions { get; init; }

    public long Migrations { get; init; }

    /// <summary>Most silos quarantined at once, as seen by the harness.</summary>
    public int MaxQuarantinedAtOnce { get; init; }

    /// <summary>
    /// Each activation of the supervisor the harness saw, as "seconds: silo index (address)" (the first when it was first seen): a
    /// silo death that moved the supervisor shows here, so a miss that followed one can be told apart.
    /// </summary>
    public IReadOnlyList<string> SupervisorActivations { get; init; } = [];

    public double WallSeconds { get; init; }
}

/// <summary>One fault of a run: when it happened, when it was flagged, how the cluster came back.</summary>
internal sealed record FaultReport
{
    public required string Kind { get; init; }

    public required int Silo { get; init; }

    public double StartSeconds { get; init; }

    /// <summary>Seconds of degradation before the failure (the ramp).</summary>
    public double RampSeconds { get; init; }

    /// <summary>When the silo really failed (seconds from the start), or null if it did not within the run.</summary>
    public double? FailedAtSeconds { get; init; }

    /// <summary>Seconds the silo really degraded, from the fault's start to its failure (in-silo faults).</summary>
    public double? DegradationSeconds { get; init; }

    /// <summary>Whether the runtime flagged it: adaptive, Failing; orleans, declared dead by membership.</summary>
    public bool Detected { get; init; }

    public double? DetectedAtSeconds { get; init; }

    /// <summary>Seconds from the flag to the real failure (negative if flagged after it); null if either is missing.</summary>
    public double? LeadTimeSeconds { get; init; }

    /// <summary>Seconds from the failure until every partition that was on the silo then serves again elsewhere (0 if none was left on it).</summary>
    public double? RecoverySeconds { get; init; }

    /// <summary>Partitions on the silo when it failed.</summary>
    public int PartitionsAtFailure { get; init; }

    /// <summary>Of those, partitions not serving again by the end of the run.</summary>
    public int NotRecovered { get; init; }

    public double? QuarantinedAtSeconds { get; init; }

    public double? EvictedAtSeconds { get; init; }

    /// <summary>Client latency p99 from the fault's start to 20 s after its failure (or the end), ms.</summary>
    public double P99Ms { get; init; }

    /// <summary>
    /// Adaptive: every change of the supervisor's verdict on the silo from the fault's start on, as "seconds: reason"
    /// (state, score, threshold, top features), so a missed or late detection can be explained.
    /// </summary>
    public IReadOnlyList<string> Verdicts { get; init; } = [];
}

/// <summary>Aggregates of one mode over every seed.</summary>
internal sealed record ModeSummary(
    string Mode,
    int Runs,
    IReadOnlyList<KindSummary> Kinds,
    int FalseAlarms,
    double HealthySiloHours,
    double? FalseAlarmsPerSiloHour,
    long Lost,
    long Duplicated,
    long FailedAtClient);

/// <summary>Aggregates of one fault kind in one mode.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Faults">Faults of this kind over every seed.</param>
/// <param name="Detected">Of those, flagged.</param>
/// <param name="LeadAtLeast30s">Of those, flagged at least 30 s before the real failure.</param>
/// <param name="MedianLeadTimeSeconds">Median lead time of the flagged ones.</param>
/// <param name="MinLeadTimeSeconds">Smallest lead time.</param>
/// <param name="MedianRecoverySeconds">Median recovery time.</param>
/// <param name="MaxRecoverySeconds">Longest recovery time.</param>
/// <param name="MinDegradationSeconds">Shortest degradation before a failure (the bar is 60 s).</param>
internal sealed record KindSummary(
    string Kind,
    int Faults,
    int Detected,
    int LeadAtLeast30s,
    double? MedianLeadTimeSeconds,
    double? MinLeadTimeSeconds,
    double? MedianRecoverySeconds,
    double? MaxRecoverySeconds,
    double? MinDegradationSeconds);
