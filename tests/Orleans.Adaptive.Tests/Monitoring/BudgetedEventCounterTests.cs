using Microsoft.Extensions.Time.Testing;
using Orleans.Adaptive.Monitoring;

namespace Orleans.Adaptive.Tests.Monitoring;

public sealed class BudgetedEventCounterTests
{
    [Fact]
    public void BelowTheBudget_EveryEventIsCounted()
    {
        var time = new FakeTimeProvider();
        var counter = new BudgetedEventCounter(100, time);
        for (var i = 0; i < 60; i++)
        {
            Assert.True(counter.Add());
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal(60, counter.Read());
        Assert.False(counter.Roll()); // the budget was never used up: nothing to resume
        Assert.Equal(60, counter.Read());
    }

    [Fact]
    public void PastTheBudget_TheWindowIsExtrapolatedFromTheRateSoFar()
    {
        var time = new FakeTimeProvider();
        var counter = new BudgetedEventCounter(100, time);

        // 100 events in the first 100 ms of a 1 s window: 1,000 events per second.
        for (var i = 1; i <= 100; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(i < 100, counter.Add());
        }

        Assert.True(counter.Exhausted);
        time.Advance(TimeSpan.FromMilliseconds(900));
        Assert.Equal(1000, counter.Read());
        Assert.True(counter.Roll()); // listening resumes in the next window
        Assert.False(counter.Exhausted);

        // A quiet second window adds only what it counts.
        for (var i = 0; i < 5; i++)
        {
            counter.Add();
        }

        time.Advance(TimeSpan.FromSeconds(1));
        counter.Roll();
        Assert.Equal(1005, counter.Read());
    }

    [Fact]
    public void ConcurrentEvents_AreAllCountedUnderTheBudget()
    {
        var counter = new BudgetedEventCounter(1_000_000, TimeProvider.System);
        Parallel.For(0, 100_000, _ => counter.Add());
        Assert.Equal(100_000, counter.Read());
    }
}
