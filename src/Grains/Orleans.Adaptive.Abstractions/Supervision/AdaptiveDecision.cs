namespace Orleans.Adaptive;

/// <summary>Kinds of <see cref="AdaptiveDecision"/>.</summary>
[GenerateSerializer, Alias("adaptive.DecisionKind")]
public enum DecisionKind
{
    /// <summary>A partition was asked to migrate.</summary>
    Migration = 0,

    /// <summary>A migration could not be started or did not happen.</summary>
    MigrationFailed = 1,

    /// <summary>Adaptation was switched on or off.</summary>
    AdaptationChanged = 2,

    /// <summary>The advised number of silos changed.</summary>
    ScaleAdvice = 3,

    /// <summary>A silo's state changed (draining, quarantined, active again).</summary>
    SiloStateChanged = 4,

    /// <summary>The detector's verdict on a silo changed (Healthy, Suspect, Failing), with its score and top features.</summary>
    HealthChanged = 5,

    /// <summary>A Failing silo was left in service by a safety rule (the quarantine cap, too many silent silos).</summary>
    QuarantineRefused = 6,

    /// <summary>A silo that stopped answering was evicted from membership.</summary>
    Eviction = 7,

    /// <summary>Partitions of a silo that left were re-activated elsewhere from storage.</summary>
    Reactivation = 8,

    /// <summary>A drained, quarantined silo was asked to shut down gracefully.</summary>
    Shutdown = 9,
}

/// <summary>One decision of the supervisor, with its inputs and reason, so that any action can be explained.</summary>
[GenerateSerializer, Immutable, Alias("adaptive.AdaptiveDecision")]
public sealed record AdaptiveDecision
{
    /// <summary>Increases with every decision.</summary>
    [Id(0)] public long Id { get; init; }

    /// <summary>When it was taken.</summary>
    [Id(1)] public DateTimeOffset At { get; init; }

    /// <summary>What kind of decision.</summary>
    [Id(2)] public DecisionKind Kind { get; init; }

    /// <summary>What it is about: a partition's grain id, a silo, or <c>cluster</c>.</summary>
    [Id(3)] public required string Subject { get; init; }

    /// <summary>For a migration, the silo the partition leaves.</summary>
    [Id(4)] public string? From { get; init; }

    /// <summary>For a migration, the silo the partition goes to.</summary>
    [Id(5)] public string? To { get; init; }

    /// <summary>Why, in a sentence with the figures.</summary>
    [Id(6)] public required string Reason { get; init; }

    /// <summary>The numbers the decision was based on, by name.</summary>
    [Id(7)] public IReadOnlyDictionary<string, double> Inputs { get; init; } = new Dictionary<string, double>();

    /// <summary>Version of the forecasting models in use.</summary>
    [Id(8)] public long ModelVersion { get; init; }

    /// <summary>The supervisor cycle it was taken in (the version of the view that cycle published).</summary>
    [Id(9)] public long Cycle { get; init; }
}
