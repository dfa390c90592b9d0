namespace Orleans.Adaptive.Monitoring;

/// <summary>
/// Counts frequent events at a bounded cost: exactly, up to <see cref="Budget"/> events per window; past that the
/// caller stops listening until the window ends, and the window's total is extrapolated from the rate at which the
/// budget was used up.
/// </summary>
/// <remarks>
/// Listening to every message a silo sends costs a few percent of throughput on the smallest calls; a rate needs far
/// fewer observations than that. At low rates nothing changes (every event is counted); at high rates the estimate
/// comes from the first <see cref="Budget"/> events of each window.
/// <see cref="Add"/> is thread-safe; <see cref="Roll"/> and <see cref="Read"/> are called under the owner's lock.
/// </remarks>
internal sealed class BudgetedEventCounter(int budget, TimeProvider time)
{
    private long _windowStart = time.GetTimestamp();
    private long _inWindow;
    private long _budgetReachedAt;
    private double _closedWindows;

    /// <summary>Events counted exactly per window.</summary>
    public int Budget { get; } = budget > 0 ? budget : throw new ArgumentOutOfRangeException(nameof(budget), budget, "The budget must be at least 1.");

    /// <summary>Whether the budget of the current window is used up (the caller should stop listening).</summary>
    public bool Exhausted => Interlocked.Read(ref _budgetReachedAt) != 0;

    /// <summary>Counts one event; returns false when this event used up the window's budget.</summary>
    public bool Add()
    {
        if (Interlocked.Increment(ref _inWindow) != Budget)
        {
            return true;
        }

        Interlocked.CompareExchange(ref _budgetReachedAt, time.GetTimestamp(), 0);
        return false;
    }

    /// <summary>Closes the current window and starts the next; returns whether listening should resume.</summary>
    public bool Roll()
    {
        var now = time.GetTimestamp();
        _closedWindows += Estimate(now);
        _windowStart = now;
        Interlocked.Exchange(ref _inWindow, 0);
        return Interlocked.Exchange(ref _budgetReachedAt, 0) != 0;
    }

    /// <summary>Events so far (estimated where the budget ran out).</summary>
    public long Read() => (long)Math.Round(_closedWindows + Estimate(time.GetTimestamp()));

    private double Estimate(long now)
    {
        var reachedAt = Interlocked.Read(ref _budgetReachedAt);
        if (reachedAt == 0)
        {
            return Interlocked.Read(ref _inWindow);
        }

        var toBudget = time.GetElapsedTime(_windowStart, reachedAt);
        var window = time.GetElapsedTime(_windowStart, now);
        return toBudget > TimeSpan.Zero ? Budget * (window / toBudget) : Budget;
    }
}
