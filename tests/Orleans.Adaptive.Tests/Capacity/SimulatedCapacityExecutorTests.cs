using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Adaptive.Capacity;

namespace Orleans.Adaptive.Tests.Capacity;

public sealed class SimulatedCapacityExecutorTests
{
    private static readonly GrainId Partition = GrainId.Create("workpartition", "p");

    [Fact]
    public async Task Work_QueuesFirstComeFirstServed_AtTheConfiguredRate()
    {
        var time = new FakeTimeProvider();
        var executor = Create(time, capacity: 10, maxQueue: 100); // 10 units/s: a unit takes 100 ms

        var first = executor.ExecuteAsync(Partition, 1, TestContext.Current.CancellationToken).AsTask();
        var second = executor.ExecuteAsync(Partition, 2, TestContext.Current.CancellationToken).AsTask();
        Assert.Equal(2, executor.ReadCounters().InSystem);

        time.Advance(TimeSpan.FromMilliseconds(100));
        var done = await first;
        Assert.Equal(TimeSpan.Zero, done.QueueDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(100), done.ServiceTime);
        Assert.False(second.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(200));
        var queued = await second;
        Assert.Equal(TimeSpan.FromMilliseconds(100), queued.QueueDelay); // waited for the first
        Assert.Equal(TimeSpan.FromMilliseconds(200), queued.ServiceTime);
        Assert.Equal(0, executor.ReadCounters().InSystem);
    }

    [Fact]
    public async Task BusyTime_CountsOnlyWorkAlreadyServed()
    {
        var time = new FakeTimeProvider();
        var executor = Create(time, capacity: 10, maxQueue: 100);
        var work = executor.ExecuteAsync(Partition, 10, TestContext.Current.CancellationToken).AsTask(); // one second of work

        time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal(0.4, executor.ReadCounters().BusySeconds, 6);
        time.Advance(TimeSpan.FromSeconds(2));
        await work;
        Assert.Equal(1.0, executor.ReadCounters().BusySeconds, 6); // then idle
    }

    [Fact]
    public async Task AFullQueue_RefusesWorkAsOverloaded_AndCountsIt()
    {
        var time = new FakeTimeProvider();
        var executor = Create(time, capacity: 1, maxQueue: 2);
        var a = executor.ExecuteAsync(Partition, 1, TestContext.Current.CancellationToken).AsTask();
        var b = executor.ExecuteAsync(Partition, 1, TestContext.Current.CancellationToken).AsTask();

        var refused = await Assert.ThrowsAsync<WorkRejectedException>(() => executor.ExecuteAsync(Partition, 1, TestContext.Current.CancellationToken).AsTask());
        Assert.Equal(WorkRejectionReason.Overloaded, refused.Reason);
        Assert.True(refused.IsRetryable);
        Assert.Equal(1, executor.ReadCounters().Rejected);

        time.Advance(TimeSpan.FromSeconds(2));
        await Task.WhenAll(a, b);
    }

    [Fact]
    public async Task UnlimitedCapacity_RunsWorkAtOnce_AndStillRecordsIt()
    {
        var time = new FakeTimeProvider();
        var registry = new PartitionLoadRegistry();
        var executor = Create(time, capacity: null, maxQueue: 1, registry);
        for (var i = 0; i < 5; i++)
        {
            var done = await executor.ExecuteAsync(Partition, 3, TestContext.Current.CancellationToken);
            Assert.Equal(TimeSpan.Zero, done.ServiceTime);
        }

        Assert.Equal(new PartitionTotals(5, 15, IsActive: false), registry.ReadTotals(null)[Partition]); // never tracked: work recorded, not active
        Assert.Null(executor.ReadCounters().Capacity);
    }

    [Fact]
    public async Task CancelledWork_LeavesTheQueue_ButKeepsItsBooking()
    {
        var time = new FakeTimeProvider();
        var executor = Create(time, capacity: 10, maxQueue: 10);
        using var cancel = new CancellationTokenSource();
        var work = executor.ExecuteAsync(Partition, 10, cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => work);
        Assert.Equal(0, executor.ReadCounters().InSystem);

        var next = executor.ExecuteAsync(Partition, 1, TestContext.Current.CancellationToken).AsTask();
        time.Advance(TimeSpan.FromSeconds(1.1));
        Assert.Equal(TimeSpan.FromSeconds(1), (await next).QueueDelay); // the cancelled second is still spent
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public async Task InvalidWork_IsRefused(double units)
    {
        var executor = Create(new FakeTimeProvider(), capacity: 1, maxQueue: 1);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => executor.ExecuteAsync(Partition, units, TestContext.Current.CancellationToken).AsTask());
    }

    [Fact]
    public void SetCapacity_RejectsNonsense()
    {
        var executor = Create(new FakeTimeProvider(), capacity: 1, maxQueue: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => executor.SetCapacity(0));
        executor.SetCapacity(5);
        Assert.Equal(5, executor.CapacityWorkUnitsPerSecond);
    }

    [Fact]
    public void Tracking_CountsPartitionsUntilDisposed_Once()
    {
        var registry = new PartitionLoadRegistry();
        var executor = Create(new FakeTimeProvider(), capacity: 1, maxQueue: 1, registry);
        var one = executor.TrackPartition(Partition);
        var two = executor.TrackPartition(GrainId.Create("workpartition", "q"));
        Assert.Equal(2, registry.TrackedCount);
        one.Dispose();
        one.Dispose();
        Assert.Equal(1, registry.TrackedCount);
        two.Dispose();
        Assert.Equal(0, registry.TrackedCount);
    }

    private static SimulatedCapacityExecutor Create(TimeProvider time, double? capacity, int maxQueue, PartitionLoadRegistry? registry = null)
    {
        var options = new AdaptiveRuntimeOptions();
        options.Capacity.WorkUnitsPerSecond = capacity;
        options.Capacity.MaxQueueLength = maxQueue;
        return new SimulatedCapacityExecutor(Options.Create(options), registry ?? new PartitionLoadRegistry(), time);
    }
}
