using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Orleans.Adaptive.Silo.Demo;

/// <summary>
/// Collects the silos' warnings and errors for the live view (which owns the console), keeping the most recent.
/// </summary>
internal sealed partial class DemoLogSink : ILoggerProvider
{
    private const int Capacity = 200;
    private readonly ConcurrentQueue<DemoLogEntry> _entries = new();
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public IReadOnlyList<DemoLogEntry> Recent(int count) => _entries.Reverse().Take(count).Reverse().ToList();

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(DemoLogEntry entry)
    {
        Interlocked.Increment(ref _total);
        _entries.Enqueue(entry);
        while (_entries.Count > Capacity && _entries.TryDequeue(out _))
        {
        }
    }

    private sealed class SinkLogger(DemoLogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            if (IsStartupWatchdogRace(eventId, state))
            {
                return;
            }

            var message = formatter(state, exception);
            if (exception is not null)
            {
                message += $" ({exception.GetType().Name}: {exception.Message})";
            }

            sink.Add(new DemoLogEntry(DateTimeOffset.UtcNow, logLevel, category, message));
        }
    }
}

internal sealed partial class DemoLogSink
{
    private static readonly DateTime ProcessStart = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();

    /// <summary>
    /// Orleans 10.4.2's watchdog can measure its first "participant check" from timestamp zero (its platform thread
    /// starts before the component timestamp is set), and then warns of a stall as long as the machine's uptime.
    /// A stall longer than this process has existed cannot be real, so only that warning is dropped.
    /// </summary>
    private static bool IsStartupWatchdogRace<TState>(EventId eventId, TState state)
        => eventId.Id == 100150
           && state is IReadOnlyList<KeyValuePair<string, object?>> values
           && values.FirstOrDefault(static v => v.Key == "TimeSinceLastTick").Value is TimeSpan stall
           && stall > DateTime.UtcNow - ProcessStart;
}

internal sealed record DemoLogEntry(DateTimeOffset Time, LogLevel Level, string Category, string Message);
