namespace Orleans.Adaptive.Monitoring;

/// <summary>The silo's newest node sample, for readers outside the grain (telemetry gauges).</summary>
internal sealed class LatestNodeSample
{
    private NodeSample? _sample;

    public NodeSample? Value => Volatile.Read(ref _sample);

    public void Set(NodeSample sample) => Volatile.Write(ref _sample, sample);
}
