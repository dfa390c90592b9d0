using Orleans.Adaptive.Learning.Health;
using Orleans.Adaptive.Learning.Placement;

namespace Orleans.Adaptive.Supervision;

/// <summary>
/// What the supervisor persists so that a new activation (after its silo died) carries on: the operator's switch,
/// silos being drained, the decision log, cool-downs, counters and the forecasting models.
/// </summary>
[GenerateSerializer, Alias("adaptive.SupervisorState")]
internal sealed class SupervisorState
{
    /// <summary>The operator's run-time choice (null: never set, adaptation follows configuration).</summary>
    [Id(0)] public bool? AdaptationEnabled { get; set; }

    /// <summary>Why adaptation was last switched.</summary>
    [Id(1)] public string? AdaptationReason { get; set; }

    /// <summary>Silos being drained, with the reason.</summary>
    [Id(2)] public Dictionary<string, string> Draining { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The newest decisions, oldest first.</summary>
    [Id(3)] public List<AdaptiveDecision> Decisions { get; set; } = [];

    /// <summary>The id of the newest decision.</summary>
    [Id(4)] public long LastDecisionId { get; set; }

    /// <summary>When each partition still cooling down was moved.</summary>
    [Id(5)] public Dictionary<string, DateTimeOffset> LastMoved { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Migrations started since the state was created.</summary>
    [Id(6)] public long Migrations { get; set; }

    /// <summary>Migrations that failed.</summary>
    [Id(7)] public long MigrationsFailed { get; set; }

    /// <summary>Version of the last view published.</summary>
    [Id(8)] public long ViewVersion { get; set; }

    /// <summary>Version of the models when they were saved.</summary>
    [Id(9)] public long ModelVersion { get; set; }

    /// <summary>The per-silo residual load models.</summary>
    [Id(10)] public List<ForecastModelState> ResidualModels { get; set; } = [];

    /// <summary>The per-partition load models (the most loaded ones).</summary>
    [Id(11)] public List<ForecastModelState> PartitionModels { get; set; } = [];

    /// <summary>Silos quarantined, with when and why.</summary>
    [Id(12)] public Dictionary<string, QuarantineRecord> Quarantined { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Times each silo has been Failing (it sets how long a release takes).</summary>
    [Id(13)] public Dictionary<string, int> HealthFailures { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Silos evicted from membership since the state was created.</summary>
    [Id(14)] public long Evictions { get; set; }

    /// <summary>
    /// Each silo's healthy baseline, saved with the models: a new activation judges silos against it at once, rather
    /// than learning a silo that is already degrading as its normal.
    /// </summary>
    [Id(15)] public List<HealthBaselineState> HealthBaselines { get; set; } = [];
}

/// <summary>One silo's persisted health baseline (see <see cref="NodeBaseline"/>).</summary>
[GenerateSerializer, Alias("adaptive.HealthBaselineState")]
internal sealed class HealthBaselineState
{
    [Id(0)] public string Silo { get; set; } = "";

    [Id(1)] public List<string> Metrics { get; set; } = [];

    [Id(2)] public List<double> Center { get; set; } = [];

    [Id(3)] public List<double> Scale { get; set; } = [];

    public static HealthBaselineState From(NodeBaseline baseline) => new()
    {
        Silo = baseline.Node,
        Metrics = [.. baseline.Metrics],
        Center = [.. baseline.Center],
        Scale = [.. baseline.Scale],
    };

    public NodeBaseline ToBaseline() => new(Silo, Metrics ?? [], Center ?? [], Scale ?? []);
}

/// <summary>A quarantined silo.</summary>
[GenerateSerializer, Alias("adaptive.QuarantineRecord")]
internal sealed class QuarantineRecord
{
    [Id(0)] public DateTimeOffset Since { get; set; }

    [Id(1)] public string Reason { get; set; } = "";

    /// <summary>Whether an operator quarantined it (it is then released by an operator only).</summary>
    [Id(2)] public bool Manual { get; set; }
}

/// <summary>One persisted forecasting model (see <see cref="EntityModelSnapshot"/>).</summary>
[GenerateSerializer, Alias("adaptive.ForecastModelState")]
internal sealed class ForecastModelState
{
    [Id(0)] public string Entity { get; set; } = "";

    [Id(1)] public bool Fitted { get; set; }

    [Id(2)] public double A { get; set; }

    [Id(3)] public double B { get; set; }

    [Id(4)] public double C { get; set; }

    [Id(5)] public double Ceiling { get; set; }

    [Id(6)] public double BeforeLast { get; set; }

    [Id(7)] public double Last { get; set; }

    public static ForecastModelState From(EntityModelSnapshot snapshot) => new()
    {
        Entity = snapshot.Entity,
        Fitted = snapshot.Fitted,
        A = snapshot.A,
        B = snapshot.B,
        C = snapshot.C,
        Ceiling = snapshot.Ceiling,
        BeforeLast = snapshot.BeforeLast,
        Last = snapshot.Last,
    };

    public EntityModelSnapshot ToSnapshot() => new(Entity, Fitted, A, B, C, Ceiling, BeforeLast, Last);
}
