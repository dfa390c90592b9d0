namespace Orleans.Adaptive;

/// <summary>What the supervisor lets a silo do.</summary>
[GenerateSerializer, Alias("adaptive.SiloAdaptiveState")]
public enum SiloAdaptiveState
{
    /// <summary>Healthy: hosts work and receives new and moved partitions.</summary>
    Active = 0,

    /// <summary>Being emptied before it is stopped (scale-in): receives nothing, its partitions move off.</summary>
    Draining = 1,

    /// <summary>Suspected of failing: receives nothing, its partitions move off.</summary>
    Quarantined = 2,
}
