namespace Orleans.Adaptive.Monitoring;

/// <summary>
/// Counts the silos whose node sampler lives in this process. In production a process hosts one silo; the demo, the
/// in-process benchmarks and the tests host several, and then what the process shows (its thread pool, its CPU) is
/// theirs together, not any one silo's.
/// </summary>
internal sealed class ProcessSilos
{
    private int _count;

    /// <summary>The count for this process, which every node sampler registers with.</summary>
    public static ProcessSilos Shared { get; } = new();

    /// <summary>Silos registered now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Counts one more silo until the returned handle is disposed (once; later disposals do nothing).</summary>
    public IDisposable Register()
    {
        Interlocked.Increment(ref _count);
        return new Registration(this);
    }

    private sealed class Registration(ProcessSilos owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref owner._count);
            }
        }
    }
}
