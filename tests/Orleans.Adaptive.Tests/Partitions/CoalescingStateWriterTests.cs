using Orleans.Adaptive.Partitions;

namespace Orleans.Adaptive.Tests.Partitions;

public sealed class CoalescingStateWriterTests
{
    [Fact]
    public async Task CallersDuringAWrite_ShareOneFollowingWrite()
    {
        var writes = new List<TaskCompletionSource>();
        var writer = new CoalescingStateWriter(() =>
        {
            var write = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            writes.Add(write);
            return write.Task;
        });

        var first = writer.PersistAsync();
        var second = writer.PersistAsync();
        var third = writer.PersistAsync();
        Assert.Single(writes); // the second and third wait for a write that starts after the first
        Assert.Same(second, third);

        writes[0].SetResult();
        await first;
        await WaitUntil(() => writes.Count == 2);
        Assert.False(second.IsCompleted);
        writes[1].SetResult();
        await second;
        Assert.Equal(2, writes.Count);
    }

    [Fact]
    public async Task AFailedWrite_FailsOnlyItsOwnCallers()
    {
        var writes = new List<TaskCompletionSource>();
        var writer = new CoalescingStateWriter(() =>
        {
            var write = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            writes.Add(write);
            return write.Task;
        });

        var first = writer.PersistAsync();
        var second = writer.PersistAsync();
        writes[0].SetException(new InvalidOperationException("storage down"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await WaitUntil(() => writes.Count == 2);
        writes[1].SetResult();
        await second;
    }

    [Fact]
    public async Task AWriteThatThrowsBeforeReturning_FailsItsCallers_AndTheNextOneStillRuns()
    {
        var calls = 0;
        var writer = new CoalescingStateWriter(() => ++calls == 1 ? throw new InvalidOperationException("sync failure") : Task.CompletedTask);
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.PersistAsync());
        await writer.PersistAsync();
        Assert.Equal(2, calls);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(5);
        }

        Assert.True(condition());
    }
}
