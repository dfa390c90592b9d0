namespace Orleans.Adaptive;

/// <summary>How the supervisor is doing.</summary>
[GenerateSerializer, Immutable, Alias("adaptive.SupervisorStatus")]
public sealed record SupervisorStatus
{
    /// <summary>The silo the supervisor runs on.</summary>
    [Id(0)] public required string Silo { get; init; }

    /// <summary>Whether adaptation is on now.</summary>
    [Id(1)] public bool AdaptationEnabled { get; init; }

    /// <summary>Whether configuration allows adaptation at all (<c>Adaptation:Enabled</c>).</summary>
    [Id(2)] public bool AdaptationAllowed { get; init; }

    /// <summary>Why adaptation was last switched on or off, if it was.</summary>
    [Id(3)] public string? AdaptationReason { get; init; }

    /// <summary>When this activation of the supervisor started.</summary>
    [Id(4)] public DateTimeOffset ActivatedAt { get; init; }

    /// <summary>Cycles run by this activation.</summary>
    [Id(5)] public long Cycles { get; init; }

    /// <summary>Duration of the last cycle.</summary>
    [Id(6)] public TimeSpan LastCycleDuration { get; init; }

    /// <summary>Version of the latest view.</summary>
    [Id(7)] public long ViewVersion { get; init; }

    /// <summary>Version of the forecasting models.</summary>
    [Id(8)] public long ModelVersion { get; init; }

    /// <summary>Silos reporting.</summary>
    [Id(9)] public int Silos { get; init; }

    /// <summary>Partitions reported.</summary>
    [Id(10)] public int Partitions { get; init; }

    /// <summary>Migrations started, since the supervisor's state was first created.</summary>
    [Id(11)] public long Migrations { get; init; }

    /// <summary>Migrations that failed to start or did not happen.</summary>
    [Id(12)] public long MigrationsFailed { get; init; }

    /// <summary>The silos advised for the predicted load, if known.</summary>
    [Id(13)] public int? DesiredSilos { get; init; }

    /// <summary>
    /// Mean absolute error of the silo load forecasts over recent cycles (work units per second), scored against
    /// what the silos then reported; null until there is something to score.
    /// </summary>
    [Id(14)] public double? ForecastMeanAbsoluteError { get; init; }

    /// <summary>The same error for the naive forecast "next = last", for comparison.</summary>
    [Id(15)] public double? LastValueMeanAbsoluteError { get; init; }

    /// <summary>Decisions recorded so far (the newest decision's id).</summary>
    [Id(16)] public long LatestDecisionId { get; init; }

    /// <summary>Silos quarantined now.</summary>
    [Id(17)] public IReadOnlyList<string> Quarantined { get; init; } = [];

    /// <summary>Silos that may be quarantined at once now.</summary>
    [Id(18)] public int MaxQuarantined { get; init; }

    /// <summary>Times the anomaly model was trained (0 while the healthy history of the silos is still being collected).</summary>
    [Id(19)] public int HealthModelTrainings { get; init; }

    /// <summary>Silos evicted from membership so far.</summary>
    [Id(20)] public long Evictions { get; init; }
}
