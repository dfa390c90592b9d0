using System.Reflection;
using Orleans.Adaptive.Capacity;
using Orleans.Statistics;

namespace Orleans.Adaptive.Bench.Placement;

/// <summary>
/// Tells Orleans a silo's CPU is its simulated server's utilisation, so the built-in resource-optimized placement and
/// the activation rebalancer see the same load the work partitions put on the silo.
/// </summary>
/// <remarks>
/// Without it, every in-process silo would report the one process's CPU, and Orleans' placement could not tell a busy
/// silo from an idle one. The value is generous to Orleans: the utilisation over the last second, unsmoothed, where
/// real CPU readings lag. Memory is reported equal on every silo so its terms do not tilt the score.
/// </remarks>
internal sealed class SimulatedEnvironmentStatistics(SimulatedCapacityExecutor executor, TimeProvider time) : IEnvironmentStatisticsProvider
{
    private const long Gigabyte = 1L << 30;
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(500);

    // The struct's constructor is internal (orleans-10-facts §6); it is the only way to build one with values.
    private static readonly ConstructorInfo Constructor = typeof(EnvironmentStatistics).GetConstructor(
        BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public,
        [typeof(float), typeof(float), typeof(long), typeof(long), typeof(long), typeof(long), typeof(long)])
        ?? throw new InvalidOperationException("EnvironmentStatistics has no (float, float, long×5) constructor in this Orleans version.");

    private readonly Lock _lock = new();
    private long _lastTimestamp = time.GetTimestamp();
    private double _lastBusySeconds;
    private float _cpuPercent;

    /// <summary>Readings taken by Orleans so far (to check the provider is the one in use).</summary>
    public long Reads { get; private set; }

    public EnvironmentStatistics GetEnvironmentStatistics()
    {
        float cpu;
        lock (_lock)
        {
            Reads++;
            var now = time.GetTimestamp();
            var elapsed = time.GetElapsedTime(_lastTimestamp, now);
            if (elapsed >= Window)
            {
                var busy = executor.ReadCounters().BusySeconds;
                _cpuPercent = (float)Math.Clamp((busy - _lastBusySeconds) / elapsed.TotalSeconds * 100, 0, 100);
                _lastBusySeconds = busy;
                _lastTimestamp = now;
            }

            cpu = _cpuPercent;
        }

        return Create(cpu, usedBytes: Gigabyte, availableBytes: 7 * Gigabyte, maximumBytes: 8 * Gigabyte);
    }

    private static EnvironmentStatistics Create(float cpu, long usedBytes, long availableBytes, long maximumBytes)
        => (EnvironmentStatistics)Constructor.Invoke([cpu, cpu, usedBytes, usedBytes, availableBytes, availableBytes, maximumBytes]);
}
