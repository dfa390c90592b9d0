namespace Orleans.Adaptive.Client;

/// <summary>
/// The producer's half of a partition's replay window: hands out sequences so that the newest one in flight is
/// never <see cref="ProducerWindow.Size"/> or more above the oldest one not yet acknowledged.
/// </summary>
/// <remarks>
/// That invariant is what lets the partition recognise every retry: when an item arrives, the partition's highest
/// applied sequence is at most the highest one issued, which is less than the item's own plus the window size, so
/// the item is still inside the partition's window. (Limiting the number of items in flight would not be enough:
/// one slow item could fall behind while others race ahead.)
/// </remarks>
internal sealed class SendWindow
{
    private readonly Lock _lock = new();
    private readonly SortedSet<long> _outstanding = [];
    private readonly List<TaskCompletionSource> _waiters = [];
    private readonly int _size;
    private long _next = 1;

    public SendWindow(int size = ProducerWindow.Size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        _size = size;
    }

    /// <summary>Items handed out and not yet released.</summary>
    public int Outstanding
    {
        get
        {
            lock (_lock)
            {
                return _outstanding.Count;
            }
        }
    }

    /// <summary>Waits until the window has room, then returns the next sequence, now outstanding.</summary>
    public async ValueTask<long> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TaskCompletionSource waiter;
            lock (_lock)
            {
                var oldest = _outstanding.Count > 0 ? _outstanding.Min : _next;
                if (_next < oldest + _size)
                {
                    var sequence = _next++;
                    _outstanding.Add(sequence);
                    return sequence;
                }

                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add(waiter);
            }

            try
            {
                await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                lock (_lock)
                {
                    _waiters.Remove(waiter);
                }

                throw;
            }
        }
    }

    /// <summary>Marks <paramref name="sequence"/> as finished (acknowledged, or given up), which may open the window.</summary>
    public void Release(long sequence)
    {
        List<TaskCompletionSource>? wake = null;
        lock (_lock)
        {
            var wasOldest = _outstanding.Count > 0 && _outstanding.Min == sequence;
            if (!_outstanding.Remove(sequence) || !wasOldest || _waiters.Count == 0)
            {
                return;
            }

            wake = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var waiter in wake)
        {
            waiter.TrySetResult();
        }
    }
}
