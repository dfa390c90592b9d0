namespace Orleans.Adaptive.Bench.Overhead;

/// <summary>The smallest useful grain call: the cost measured is Orleans' and the runtime's, not the grain's.</summary>
public interface IPingGrain : IGrainWithIntegerKey
{
    Task<int> Ping(int value);
}

/// <inheritdoc cref="IPingGrain"/>
public sealed class PingGrain : Grain, IPingGrain
{
    public Task<int> Ping(int value) => Task.FromResult(value + 1);
}
