using System.Collections.Concurrent;

namespace Orleans.Adaptive;

/// <summary>The state behind process-memory grain storage: one per process, shared by its silos.</summary>
public sealed class ProcessMemoryStore
{
    private long _version;

    /// <summary>Creates an empty store.</summary>
    public ProcessMemoryStore()
    {
    }

    internal ConcurrentDictionary<(string State, GrainId Grain), Entry> Entries { get; } = new();

    /// <summary>Records stored.</summary>
    public int Count => Entries.Count;

    internal long NextVersion() => Interlocked.Increment(ref _version);

    internal sealed record Entry(BinaryData Data, string ETag);
}
