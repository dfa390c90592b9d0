using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Adaptive.Diagnostics;
using Orleans.Adaptive.Monitoring;
using Orleans.Adaptive.Placement;
using Orleans.Concurrency;

namespace Orleans.Adaptive.Partitions;

/// <summary>
/// A work partition: applies each work item exactly once, through the silo's capacity and the user's handler, and
/// keeps its counters and the producers' replay windows in grain storage.
/// </summary>
/// <remarks>
/// <para>
/// The grain is reentrant so that items from many producers queue at the silo's capacity (where queueing is
/// measured) rather than in the grain's inbox. Turns never run in parallel, so the state changes between awaits
/// need no locks.
/// </para>
/// <para>
/// An item is acknowledged only after a storage write that includes it succeeded (writes are coalesced into
/// batches). Until then it is "in flight": a retry of it waits for the original instead of running again. If a
/// write fails, the in-memory state can no longer be trusted; the partition refuses new items and deactivates, and
/// its next activation reloads what storage really holds, so retries are applied exactly once.
/// </para>
/// </remarks>
[Reentrant]
[PredictedLoadPlacement]
internal sealed class WorkPartitionGrain : Grain, IWorkPartitionGrain, IMeasuresOwnRequests
{
    private readonly IPersistentState<WorkPartitionState> _state;
    private readonly ISiloWorkExecutor _executor;
    private readonly IWorkHandler _handler;
    private readonly AdaptiveInstruments _instruments;
    private readonly RequestStatistics _requests;
    private readonly ILocalSiloDetails _silo;
    private readonly TimeProvider _time;
    private readonly ILogger<WorkPartitionGrain> _logger;
    private readonly WorkPartitionOptions _options;
    private readonly Dictionary<string, Task<WorkReceipt>> _inFlight = new(StringComparer.Ordinal);
    private readonly CoalescingStateWriter _writer;
    private readonly string _siloKey;
    private IDisposable? _tracking;
    private DateTimeOffset _activatedAt;
    private bool _restarting;

    public WorkPartitionGrain(
        [PersistentState("partition", AdaptiveStorage.ProviderName)] IPersistentState<WorkPartitionState> state,
        ISiloWorkExecutor executor,
        IWorkHandler handler,
        AdaptiveInstruments instruments,
        RequestStatistics requests,
        ILocalSiloDetails silo,
        IOptions<AdaptiveRuntimeOptions> options,
        TimeProvider time,
        ILogger<WorkPartitionGrain> logger)
    {
        _state = state;
        _executor = executor;
        _handler = handler;
        _instruments = instruments;
        _requests = requests;
        _silo = silo;
        _time = time;
        _logger = logger;
        _options = options.Value.Partitions;
        _writer = new CoalescingStateWriter(() => _state.WriteStateAsync());
        _siloKey = NodeMonitorKey.For(silo.SiloAddress);
    }

    private string PartitionId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = _time.GetUtcNow();
        _tracking = _executor.TrackPartition(this.GetGrainId());
        var forgotten = _state.State.ForgetProducersIdleSince(_activatedAt - _options.ProducerRetention);
        if (forgotten > 0)
        {
            Log.ProducersForgotten(_logger, PartitionId, forgotten, _options.ProducerRetention);
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _tracking?.Dispose();
        _tracking = null;
        return Task.CompletedTask;
    }

    public async Task<WorkReceipt> Submit(WorkItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        item.Validate();
        var started = Stopwatch.GetTimestamp();
        try
        {
            var receipt = await SubmitCoreAsync(item, cancellationToken);
            Completed(receipt.Outcome == WorkOutcome.Applied ? "applied" : "duplicate", started, failed: false);
            return receipt;
        }
        catch (WorkRejectedException)
        {
            Completed("rejected", started, failed: true);
            throw;
        }
        catch
        {
            Completed("failed", started, failed: true);
            throw;
        }
    }

    /// <summary>Counts a finished submission in the meter and in the node monitor's request figures.</summary>
    private void Completed(string outcome, long started, bool failed)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        _instruments.WorkItemCompleted(outcome, elapsed);
        _requests.Record(elapsed, failed);
    }

    public Task<PartitionStatus> GetStatus()
    {
        var state = _state.State;
        return Task.FromResult(new PartitionStatus(
            PartitionId,
            _siloKey,
            state.ItemsApplied,
            state.WorkUnitsApplied,
            state.DuplicatesIgnored,
            state.Producers.Count,
            state.LastAppliedAt,
            _activatedAt));
    }

    private async Task<WorkReceipt> SubmitCoreAsync(WorkItem item, CancellationToken cancellationToken)
    {
        ThrowIfRestarting();
        var key = item.IdempotencyKey;
        if (_inFlight.TryGetValue(key, out var original))
        {
            // The same item is being applied right now (the caller retried too early): share its fate.
            return (await original) with { Outcome = WorkOutcome.Duplicate };
        }

        var window = _state.State.Producers.GetValueOrDefault(item.ProducerId);
        switch (window.Check(item.Sequence))
        {
            case SequenceCheck.Duplicate:
                _state.State.DuplicatesIgnored++;
                return Receipt(WorkOutcome.Duplicate, default);
            case SequenceCheck.Stale:
                throw StaleItem(item, window);
        }

        var applying = ApplyAsync(item, cancellationToken);
        _inFlight[key] = applying;
        try
        {
            return await applying;
        }
        finally
        {
            _inFlight.Remove(key);
        }
    }

    private async Task<WorkReceipt> ApplyAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var grainId = this.GetGrainId();
        var execution = await _executor.ExecuteAsync(grainId, item.Cost, cancellationToken);
        try
        {
            await _handler.HandleAsync(new WorkContext(PartitionId, item, _silo.SiloAddress), cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.WorkHandlerFailed(_logger, exception, PartitionId, item.IdempotencyKey);
            throw;
        }

        // Other items moved the window while this one ran; it may have fallen behind it.
        ThrowIfRestarting();
        var state = _state.State;
        var window = state.Producers.GetValueOrDefault(item.ProducerId);
        if (window.Check(item.Sequence) == SequenceCheck.Stale)
        {
            throw StaleItem(item, window);
        }

        var now = _time.GetUtcNow();
        state.Producers[item.ProducerId] = window.MarkApplied(item.Sequence, now);
        state.ItemsApplied++;
        state.WorkUnitsApplied += item.Cost;
        state.LastAppliedAt = now;
        var receipt = Receipt(WorkOutcome.Applied, execution);

        try
        {
            await _writer.PersistAsync();
        }
        catch (Exception exception)
        {
            if (!_restarting)
            {
                _restarting = true;
                Log.PartitionPersistFailed(_logger, exception, PartitionId);
                this.DeactivateOnIdle();
            }

            throw new WorkRejectedException(
                WorkRejectionReason.Restarting,
                $"Partition {PartitionId} could not persist item {item.IdempotencyKey}; it is restarting from storage. Retry the same item.",
                exception);
        }

        return receipt;
    }

    private WorkReceipt Receipt(WorkOutcome outcome, WorkExecution execution)
        => new(outcome, PartitionId, _siloKey, _state.State.ItemsApplied, execution.QueueDelay, execution.ServiceTime);

    private void ThrowIfRestarting()
    {
        if (_restarting)
        {
            throw new WorkRejectedException(
                WorkRejectionReason.Restarting,
                $"Partition {PartitionId} is restarting from storage after a failed write. Retry the same item.");
        }
    }

    private WorkRejectedException StaleItem(WorkItem item, ProducerWindow window)
        => new(
            WorkRejectionReason.Stale,
            $"Partition {PartitionId} cannot tell whether item {item.IdempotencyKey} was applied: producer {item.ProducerId} is already at sequence {window.HighestSequence} and only the last {ProducerWindow.Size} are remembered. Keep at most {ProducerWindow.Size} items in flight per partition.");
}
