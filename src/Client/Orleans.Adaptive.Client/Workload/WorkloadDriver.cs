using System.Diagnostics;
using Orleans.Adaptive.Learning.Statistics;

namespace Orleans.Adaptive.Client.Workload;

/// <summary>Settings of a <see cref="WorkloadDriver"/>.</summary>
public sealed class WorkloadDriverOptions
{
    /// <summary>Partition ids the load is spread over, most popular first.</summary>
    public required IReadOnlyList<string> PartitionIds { get; init; }

    /// <summary>Zipf skew of the spread (0 = uniform). Default 0.8.</summary>
    public double Skew { get; init; } = 0.8;

    /// <summary>Cost of each item, in work units. Default 1.</summary>
    public double ItemCost { get; init; } = 1;

    /// <summary>
    /// How often arrivals are drawn. The arrivals of one tick are sent together, so a long tick turns a smooth
    /// Poisson stream into bursts that queue behind each other; keep it well below the items' service time times
    /// the expected arrivals per tick. Default 10 ms (timers on Linux fire within a few milliseconds of that).
    /// </summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Items in flight beyond which new arrivals are shed (counted, not sent). Default 20,000.</summary>
    public int MaxInFlight { get; init; } = 20_000;

    /// <summary>Seed of the arrival and partition draws, so runs can be repeated.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// How often the hot set moves: every interval, popularity ranks shift by <see cref="HotSetShiftStride"/>
    /// partitions, so the partitions that were hot cool down and others heat up, as keys do in real workloads.
    /// Null (the default): popularity never changes.
    /// </summary>
    public TimeSpan? HotSetShiftInterval { get; init; }

    /// <summary>
    /// Partitions the ranks move by at each shift; default (null) about 38% of the partitions, so a new hot set
    /// barely overlaps the last one.
    /// </summary>
    public int? HotSetShiftStride { get; init; }
}

/// <summary>
/// Replays a trace as work items: every tick it draws a Poisson number of arrivals at the replay's current rate,
/// spreads them over partitions with Zipf skew, and submits them through a <see cref="WorkProducer"/> without
/// waiting (an open-loop load, as real users are).
/// </summary>
public sealed class WorkloadDriver
{
    private readonly WorkProducer _producer;
    private readonly TraceReplay _replay;
    private readonly WorkloadDriverOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ZipfPartitionChooser _chooser;
    private readonly int _shiftStride;
    private readonly LatencyHistogram _latency = new();
    private long _submitted, _applied, _duplicates, _rejected, _unknown, _failed, _shed, _inFlight;
    private double _offered;
    private long _started;

    /// <summary>Creates a driver.</summary>
    public WorkloadDriver(WorkProducer producer, TraceReplay replay, WorkloadDriverOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentNullException.ThrowIfNull(replay);
        ArgumentNullException.ThrowIfNull(options);
        if (options.PartitionIds is not { Count: > 0 })
        {
            throw new ArgumentException("The workload needs at least one partition id.", nameof(options));
        }

        if (options.TickInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.TickInterval, "The tick interval must be greater than zero.");
        }

        if (options.HotSetShiftInterval is { } shift && shift <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), shift, "The hot-set shift interval must be greater than zero.");
        }

        if (options.HotSetShiftStride is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.HotSetShiftStride, "The hot-set shift stride must be 0 or more.");
        }

        _producer = producer;
        _replay = replay;
        _options = options;
        _time = time ?? TimeProvider.System;
        _random = new Random(options.Seed);
        _chooser = new ZipfPartitionChooser(options.PartitionIds.Count, options.Skew, new Random(unchecked(options.Seed * 31 + 7)));
        _shiftStride = options.HotSetShiftStride ?? Math.Max(1, (int)Math.Round(options.PartitionIds.Count * 0.382));
    }

    /// <summary>Time since <see cref="RunAsync"/> started.</summary>
    public TimeSpan Elapsed => _started == 0 ? TimeSpan.Zero : _time.GetElapsedTime(_started);

    /// <summary>The replay being driven.</summary>
    public TraceReplay Replay => _replay;

    /// <summary>Reads the counters.</summary>
    public WorkloadStatistics ReadStatistics() => new(
        Interlocked.Read(ref _submitted),
        Interlocked.Read(ref _applied),
        Interlocked.Read(ref _duplicates),
        Interlocked.Read(ref _rejected),
        Interlocked.Read(ref _unknown),
        Interlocked.Read(ref _failed),
        Interlocked.Read(ref _shed),
        Interlocked.Read(ref _inFlight),
        Volatile.Read(ref _offered),
        _latency.Snapshot());

    /// <summary>
    /// Drives load until <paramref name="stopping"/> is cancelled, then waits up to <paramref name="drainTimeout"/>
    /// for the items in flight to be answered.
    /// </summary>
    public async Task RunAsync(TimeSpan drainTimeout, CancellationToken stopping)
    {
        _started = _time.GetTimestamp();
        var pending = new HashSet<Task>();
        using (var timer = new PeriodicTimer(_options.TickInterval, _time))
        {
            var lastTick = _started;
            try
            {
                while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
                {
                    var now = _time.GetTimestamp();
                    var seconds = _time.GetElapsedTime(lastTick, now).TotalSeconds;
                    lastTick = now;
                    var rate = _replay.ItemsPerSecondAt(_time.GetElapsedTime(_started, now));
                    Volatile.Write(ref _offered, rate);
                    var arrivals = Poisson(rate * seconds);
                    for (var i = 0; i < arrivals; i++)
                    {
                        if (Interlocked.Read(ref _inFlight) >= _options.MaxInFlight)
                        {
                            Interlocked.Increment(ref _shed);
                            continue;
                        }

                        var partition = _options.PartitionIds[PartitionAt(_chooser.Next(), _time.GetElapsedTime(_started, now))];
                        var task = SubmitOneAsync(partition);
                        pending.Add(task);
                    }

                    pending.RemoveWhere(static t => t.IsCompleted);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Asked to stop: fall through to draining.
            }
        }

        var drain = Task.WhenAll(pending);
        // Stopping has been requested by now, so the drain waits on its own clock.
        await Task.WhenAny(drain, Task.Delay(drainTimeout, _time, CancellationToken.None)).ConfigureAwait(false);
    }

    /// <summary>The partition holding popularity rank <paramref name="rank"/> at <paramref name="elapsed"/>.</summary>
    public int PartitionAt(int rank, TimeSpan elapsed)
    {
        var count = _options.PartitionIds.Count;
        if (_options.HotSetShiftInterval is not { } interval)
        {
            return rank;
        }

        var shifts = (long)(elapsed / interval);
        return (int)((rank + shifts * _shiftStride) % count);
    }

    private async Task SubmitOneAsync(string partition)
    {
        Interlocked.Increment(ref _submitted);
        Interlocked.Increment(ref _inFlight);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var receipt = await _producer.SubmitAsync(partition, _options.ItemCost).ConfigureAwait(false);
            _latency.Record(Stopwatch.GetElapsedTime(started));
            Interlocked.Increment(ref receipt.Outcome == WorkOutcome.Applied ? ref _applied : ref _duplicates);
        }
        catch (WorkOutcomeUnknownException)
        {
            Interlocked.Increment(ref _unknown);
        }
        catch (WorkRejectedException)
        {
            Interlocked.Increment(ref _rejected);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _failed);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private int Poisson(double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean < 30)
        {
            // Knuth's method: exact, fine for small means.
            var limit = Math.Exp(-mean);
            var product = _random.NextDouble();
            var count = 0;
            while (product > limit)
            {
                count++;
                product *= _random.NextDouble();
            }

            return count;
        }

        // Normal approximation for large means (Box-Muller).
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        var normal = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * normal));
    }
}
