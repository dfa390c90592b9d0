namespace Orleans.Adaptive.Monitoring;

/// <summary>
/// Reads the current process: CPU time used between two readings, the working set, and the memory the GC reports
/// as still available on the machine or in the container.
/// </summary>
/// <remarks>
/// Silos hosted in one process (the local demo, tests) all read the same process, so their CPU and memory readings
/// are the same; their simulated capacity is what sets them apart.
/// </remarks>
internal sealed class ProcessResourceProbe(TimeProvider time) : INodeResourceProbe
{
    private readonly Lock _lock = new();
    private long _lastTimestamp;
    private TimeSpan _lastCpu;

    public NodeResourceReading Read()
    {
        double? cpu = null;
        lock (_lock)
        {
            var now = time.GetTimestamp();
            var used = Environment.CpuUsage.TotalTime;
            if (_lastTimestamp != 0)
            {
                var wall = time.GetElapsedTime(_lastTimestamp, now);
                if (wall > TimeSpan.Zero)
                {
                    cpu = Math.Clamp((used - _lastCpu) / (wall * Environment.ProcessorCount) * 100, 0, 100);
                }
            }

            _lastTimestamp = now;
            _lastCpu = used;
        }

        var gc = GC.GetGCMemoryInfo();
        double? available = gc.TotalAvailableMemoryBytes > 0
            ? Math.Max(0, gc.TotalAvailableMemoryBytes - gc.MemoryLoadBytes)
            : null;
        return new NodeResourceReading(cpu, Environment.WorkingSet, available);
    }
}
