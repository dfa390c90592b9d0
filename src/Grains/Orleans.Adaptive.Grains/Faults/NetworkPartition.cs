using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace Orleans.Adaptive.Faults;

/// <summary>
/// The silo's side of an injected network partition: while it is on, every connection to and from the silo (other
/// silos, clients) stalls as if its packets were dropped: reads wait, flushes wait, new connections wait. When it
/// heals, what was held back flows again, as TCP's retransmissions would deliver it. Connections that time out or
/// are closed meanwhile stay closed. Storage and membership (Redis) are not cut: a partition between silos.
/// </summary>
internal sealed class NetworkPartition
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _healed = CompletedSource();

    /// <summary>Whether the partition is on.</summary>
    public bool IsOn { get; private set; }

    /// <summary>Switches the partition on or off.</summary>
    public void Set(bool on)
    {
        lock (_lock)
        {
            if (on == IsOn)
            {
                return;
            }

            IsOn = on;
            if (on)
            {
                _healed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            else
            {
                _healed.TrySetResult();
            }
        }
    }

    /// <summary>Completes when the partition is off (at once when it is off now).</summary>
    public Task WaitUntilHealedAsync(CancellationToken cancellationToken)
    {
        Task healed;
        lock (_lock)
        {
            healed = _healed.Task;
        }

        return healed.IsCompleted ? Task.CompletedTask : healed.WaitAsync(cancellationToken);
    }

    /// <summary>Connection middleware: wraps each connection's transport when fault injection is enabled.</summary>
    public ConnectionDelegate Middleware(ConnectionDelegate next, bool enabled)
        => !enabled ? next : async context =>
        {
            await WaitUntilHealedAsync(context.ConnectionClosed);
            context.Transport = new StallingDuplexPipe(context.Transport, this);
            await next(context);
        };

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }

    private sealed class StallingDuplexPipe(IDuplexPipe inner, NetworkPartition partition) : IDuplexPipe
    {
        public PipeReader Input { get; } = new StallingReader(inner.Input, partition);

        public PipeWriter Output { get; } = new StallingWriter(inner.Output, partition);
    }

    private sealed class StallingReader(PipeReader inner, NetworkPartition partition) : PipeReader
    {
        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            await partition.WaitUntilHealedAsync(cancellationToken);
            var result = await inner.ReadAsync(cancellationToken);

            // Data that arrives during the partition is held until it heals.
            await partition.WaitUntilHealedAsync(cancellationToken);
            return result;
        }

        public override bool TryRead(out ReadResult result)
        {
            if (partition.IsOn)
            {
                result = default;
                return false;
            }

            return inner.TryRead(out result);
        }

        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }

    private sealed class StallingWriter(PipeWriter inner, NetworkPartition partition) : PipeWriter
    {
        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            await partition.WaitUntilHealedAsync(cancellationToken);
            return await inner.FlushAsync(cancellationToken);
        }

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}
