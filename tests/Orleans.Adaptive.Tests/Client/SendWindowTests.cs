using Orleans.Adaptive.Client;

namespace Orleans.Adaptive.Tests.Client;

public sealed class SendWindowTests
{
    [Fact]
    public async Task Window_WaitsWhenTheOldestOutstandingItemIsAFullWindowBehind()
    {
        var window = new SendWindow(size: 3);
        var first = await window.AcquireAsync(CancellationToken.None);
        await window.AcquireAsync(CancellationToken.None);
        var third = await window.AcquireAsync(CancellationToken.None);

        var fourth = window.AcquireAsync(CancellationToken.None).AsTask();
        Assert.False(fourth.IsCompleted);

        window.Release(third); // not the oldest: still no room
        await Task.Delay(20, TestContext.Current.CancellationToken);
        Assert.False(fourth.IsCompleted);

        window.Release(first);
        Assert.Equal(4, await fourth.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Window_KeepsEveryIssuedSequenceWithinReachOfTheOldestOutstanding_UnderConcurrency()
    {
        const int Size = 8;
        var window = new SendWindow(Size);
        var outstanding = new SortedSet<long>();
        var gate = new Lock();
        var random = new Random(5);
        var violations = 0;

        async Task Worker(int seed)
        {
            var local = new Random(seed);
            for (var i = 0; i < 200; i++)
            {
                var sequence = await window.AcquireAsync(CancellationToken.None);
                lock (gate)
                {
                    if (outstanding.Count > 0 && sequence >= outstanding.Min + Size)
                    {
                        violations++;
                    }

                    outstanding.Add(sequence);
                }

                await Task.Delay(local.Next(0, 3));
                lock (gate)
                {
                    outstanding.Remove(sequence);
                }

                window.Release(sequence);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Worker(random.Next())));
        Assert.Equal(0, violations);
        Assert.Equal(0, window.Outstanding);
    }

    [Fact]
    public async Task AWaitingAcquire_CanBeCancelled()
    {
        var window = new SendWindow(size: 1);
        await window.AcquireAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => window.AcquireAsync(cancel.Token).AsTask());
    }
}
