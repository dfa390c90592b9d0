namespace Orleans.Adaptive;

/// <summary>
/// The grain storage Orleans.Adaptive keeps durable state in.
/// </summary>
/// <remarks>
/// Register a provider under <see cref="ProviderName"/> on every silo: <c>AddMemoryGrainStorage("adaptive")</c> for a
/// local cluster, <c>AddRedisGrainStorage("adaptive", …)</c> (or any durable provider) in production. A silo started
/// without one stops with an error that says so.
/// </remarks>
public static class AdaptiveStorage
{
    /// <summary>The name of the grain storage provider: <c>adaptive</c>.</summary>
    public const string ProviderName = "adaptive";
}
