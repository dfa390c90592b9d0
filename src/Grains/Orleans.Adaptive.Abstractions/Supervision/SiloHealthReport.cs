namespace Orleans.Adaptive;

/// <summary>What the supervisor's detector thinks of a silo.</summary>
[GenerateSerializer, Alias("adaptive.SiloHealthState")]
public enum SiloHealthState
{
    /// <summary>Behaves like its own healthy past and like its peers.</summary>
    Healthy = 0,

    /// <summary>Showed enough evidence to be watched; nothing is done yet.</summary>
    Suspect = 1,

    /// <summary>Kept showing evidence, stopped answering, or is about to run out of memory: quarantined when the safety rules allow.</summary>
    Failing = 2,
}

/// <summary>One feature's part in a health verdict.</summary>
/// <param name="Feature">The metric (<c>cost</c>, <c>latency-p99</c>, <c>memory.time-to-limit</c>, <c>readings.silent</c>, …).</param>
/// <param name="Value">Its latest value (seconds for a time to limit, cycles for silence).</param>
/// <param name="Deviation">How far it is from the silo's healthy baseline, relative to its peers, in robust standard deviations (NaN where that means nothing).</param>
/// <param name="Share">Its share of the anomaly model's explanation (0–1; 1 for evidence that is not the model's).</param>
[GenerateSerializer, Immutable, Alias("adaptive.HealthFeature")]
public sealed record HealthFeature(
    [property: Id(0)] string Feature,
    [property: Id(1)] double Value,
    [property: Id(2)] double Deviation,
    [property: Id(3)] double Share);

/// <summary>The supervisor's latest verdict on one silo.</summary>
[GenerateSerializer, Immutable, Alias("adaptive.SiloHealthReport")]
public sealed record SiloHealthReport
{
    /// <summary>The silo.</summary>
    [Id(0)] public required string Silo { get; init; }

    /// <summary>Its health.</summary>
    [Id(1)] public SiloHealthState Health { get; init; }

    /// <summary>Whether it is quarantined (placement avoids it, its partitions move off).</summary>
    [Id(2)] public bool Quarantined { get; init; }

    /// <summary>The anomaly model's score of its latest reading (NaN before the model exists).</summary>
    [Id(3)] public double Score { get; init; }

    /// <summary>The score at or above which a reading counts as anomalous (NaN before the model exists).</summary>
    [Id(4)] public double Threshold { get; init; }

    /// <summary>The evidence of the latest cycle (<c>None</c>, or a combination of <c>Anomalous</c>, <c>Exhaustion</c>, <c>Silent</c>, <c>Unresponsive</c>).</summary>
    [Id(5)] public string Evidence { get; init; } = "None";

    /// <summary>When its memory reaches its limit at its trend, if it is rising.</summary>
    [Id(6)] public double? TimeToLimitSeconds { get; init; }

    /// <summary>What contributed most to the verdict (empty for a healthy silo without evidence).</summary>
    [Id(7)] public IReadOnlyList<HealthFeature> TopFeatures { get; init; } = [];

    /// <summary>Times it has been Failing.</summary>
    [Id(8)] public int Failures { get; init; }

    /// <summary>The verdict in a sentence.</summary>
    [Id(9)] public string Explanation { get; init; } = "";
}
