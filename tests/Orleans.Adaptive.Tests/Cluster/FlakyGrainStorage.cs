using System.Collections.Concurrent;
using Orleans.Storage;

namespace Orleans.Adaptive.Tests.Cluster;

/// <summary>Grain storage that fails the next writes of chosen grains, to test what a partition does then.</summary>
internal sealed class FlakyGrainStorage(IGrainStorage inner) : IGrainStorage
{
    private static readonly ConcurrentDictionary<GrainId, int> FailuresLeft = new();

    public static void FailNextWrites(GrainId grain, int count) => FailuresLeft[grain] = count;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (FailuresLeft.TryGetValue(grainId, out var left) && left > 0)
        {
            FailuresLeft[grainId] = left - 1;
            return Task.FromException(new InvalidOperationException($"Injected storage failure for {grainId}."));
        }

        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => inner.ClearStateAsync(stateName, grainId, grainState);
}
