namespace Orleans.Adaptive.Partitions;

/// <summary>
/// Group commit for a grain's state: callers that ask for persistence while a write is running share the single
/// write that starts after it, so a busy partition makes one storage round-trip per batch instead of per item.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="PersistAsync"/> completes once a write that started after the call has succeeded, so everything the
/// caller changed before calling is durable; it fails if that write fails. Writes never overlap, which keeps the
/// storage ETag consistent.
/// </para>
/// <para>Meant for a grain's single-threaded scheduler; the lock only makes it safe anywhere else too.</para>
/// </remarks>
internal sealed class CoalescingStateWriter(Func<Task> write)
{
    private readonly Lock _lock = new();
    private Task _running = Task.CompletedTask;
    private TaskCompletionSource? _next;

    public Task PersistAsync()
    {
        lock (_lock)
        {
            if (_next is not null)
            {
                // A write that has not started yet will include this caller's changes.
                return _next.Task;
            }

            if (_running.IsCompleted)
            {
                return _running = StartWrite();
            }

            var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _next = next;
            _ = WriteAfterAsync(_running, next);
            return next.Task;
        }
    }

    private async Task WriteAfterAsync(Task previous, TaskCompletionSource next)
    {
        try
        {
            await previous;
        }
        catch
        {
            // The previous batch's callers see its failure; this batch gets its own attempt.
        }

        Task current;
        lock (_lock)
        {
            _next = null;
            current = _running = StartWrite();
        }

        try
        {
            await current;
            next.SetResult();
        }
        catch (Exception exception)
        {
            next.SetException(exception);
        }
    }

    // A write that throws before returning its task fails like one that returns a faulted task.
    private Task StartWrite()
    {
        try
        {
            return write();
        }
        catch (Exception exception)
        {
            return Task.FromException(exception);
        }
    }
}
