using Orleans.Adaptive.Learning.Statistics;

namespace Orleans.Adaptive.Monitoring;

/// <summary>
/// Cumulative counts and latencies of the application grain calls a silo served, fed by
/// <see cref="RequestStatisticsFilter"/>.
/// </summary>
internal sealed class RequestStatistics
{
    private readonly LatencyHistogram _latency = new();
    private long _errors;

    public void Record(TimeSpan duration, bool failed)
    {
        _latency.Record(duration);
        if (failed)
        {
            Interlocked.Increment(ref _errors);
        }
    }

    public RequestCounters Read() => new(_latency.Snapshot(), Interlocked.Read(ref _errors));
}

/// <summary>Cumulative request counters: every call's latency, and how many failed.</summary>
internal sealed record RequestCounters(HistogramSnapshot Latency, long Errors)
{
    public static readonly RequestCounters Empty = new(HistogramSnapshot.Empty, 0);
}
