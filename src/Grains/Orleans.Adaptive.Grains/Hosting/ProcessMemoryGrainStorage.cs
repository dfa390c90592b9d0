using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Storage;

namespace Orleans.Adaptive.Hosting;

/// <summary>
/// Grain storage held by the process, shared by every silo the process hosts: the demo's stand-in for a database.
/// </summary>
/// <remarks>
/// Orleans' own memory storage keeps state in grains spread over the silos, so a silo that stops takes its share of
/// everyone's state with it. The demo starts and stops silos (autoscaling), and a stopped silo must lose nothing, as
/// with a real database. State is stored serialized (no aliasing with the grain's copy) and writes are checked
/// against the ETag the grain read, as durable providers do.
/// </remarks>
internal sealed class ProcessMemoryGrainStorage(ProcessMemoryStore store, IGrainStorageSerializer serializer) : IGrainStorage
{
    private readonly ConcurrentDictionary<(string State, GrainId Grain), ProcessMemoryStore.Entry> _entries = store.Entries;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_entries.TryGetValue((stateName, grainId), out var entry))
        {
            grainState.State = serializer.Deserialize<T>(entry.Data)!;
            grainState.ETag = entry.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        var next = new ProcessMemoryStore.Entry(serializer.Serialize(grainState.State), NextETag());
        if (grainState.ETag is null)
        {
            if (!_entries.TryAdd(key, next))
            {
                throw new InconsistentStateException($"{grainId} ({stateName}) was written by another activation.", _entries.GetValueOrDefault(key)?.ETag, currentEtag: null);
            }
        }
        else
        {
            if (!_entries.TryGetValue(key, out var current) || current.ETag != grainState.ETag || !_entries.TryUpdate(key, next, current))
            {
                throw new InconsistentStateException($"{grainId} ({stateName}) was written by another activation.", current?.ETag, grainState.ETag);
            }
        }

        grainState.ETag = next.ETag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _entries.TryRemove((stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }

    private string NextETag() => store.NextVersion().ToString(CultureInfo.InvariantCulture);
}
