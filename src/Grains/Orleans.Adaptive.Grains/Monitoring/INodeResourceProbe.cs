namespace Orleans.Adaptive;

/// <summary>
/// Reads a silo's resource usage (CPU and memory) for its node monitor.
/// </summary>
/// <remarks>
/// The default reads the process. Replace it (register your own singleton after <c>AddAdaptiveRuntime</c>) to feed
/// readings from elsewhere, for instance per-silo figures when several silos share a process, or injected faults.
/// </remarks>
public interface INodeResourceProbe
{
    /// <summary>Reads the current values; a value that cannot be read is <see langword="null"/>.</summary>
    NodeResourceReading Read();
}

/// <summary>A resource reading; <see langword="null"/> means missing.</summary>
/// <param name="CpuPercent">CPU used since the previous reading, percent of all cores.</param>
/// <param name="MemoryUsedBytes">Memory in use.</param>
/// <param name="MemoryAvailableBytes">Memory still available.</param>
public readonly record struct NodeResourceReading(double? CpuPercent, double? MemoryUsedBytes, double? MemoryAvailableBytes);
