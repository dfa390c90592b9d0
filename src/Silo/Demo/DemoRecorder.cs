using System.Collections.Concurrent;
using Orleans.Adaptive.Client;

namespace Orleans.Adaptive.Silo.Demo;

/// <summary>
/// Keeps the whole run's node samples, per silo, by reading each node monitor's history incrementally (the
/// monitors keep only a bounded ring, the report needs everything).
/// </summary>
internal sealed class DemoRecorder(IClusterClient client, IReadOnlyList<DemoSilo> silos, DateTimeOffset startedAt)
{
    private const int BatchSize = 1000;
    // Silos join and leave while the demo runs (autoscaling), from another task than the one collecting.
    private readonly ConcurrentDictionary<string, SiloRecord> _records = new(silos.Select(
        static s => KeyValuePair.Create(s.Address, new SiloRecord(s.Address, s.Name, s.Capacity))));

    /// <summary>When the demo started (before its silos).</summary>
    private readonly ConcurrentDictionary<string, bool> _retired = new();

    public DateTimeOffset StartedAt { get; } = startedAt;

    /// <summary>Starts recording a silo that joined after the start.</summary>
    public void Track(DemoSilo silo) => _records.TryAdd(silo.Address, new SiloRecord(silo.Address, silo.Name, silo.Capacity));

    /// <summary>Stops asking a silo that was stopped (its samples so far are kept).</summary>
    public void Retire(DemoSilo silo) => _retired[silo.Address] = true;

    /// <summary>When the workload started, once the cluster was up and the client connected.</summary>
    public DateTimeOffset? WorkloadStartedAt { get; set; }

    public IReadOnlyCollection<SiloRecord> Silos => _records.Values.ToList();

    /// <summary>Fetches the samples each silo took since the last call; a silo that does not answer is skipped this time.</summary>
    public async Task CollectAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await Task.WhenAll(_records.Values.Where(r => !_retired.ContainsKey(r.Address)).ToList().Select(record => CollectAsync(record, timeout, cancellationToken)));
    }

    /// <summary>Reads each silo's per-partition load (for the report's final picture).</summary>
    public async Task CollectPartitionsAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await Task.WhenAll(_records.Values.Where(r => !_retired.ContainsKey(r.Address)).ToList().Select(async record =>
        {
            if (!NodeMonitorKey.TryParse(record.Address, out var silo))
            {
                return;
            }

            try
            {
                var loads = await client.GetNodeMonitor(silo).GetPartitionLoads().WaitAsync(timeout, cancellationToken);
                record.FinalPartitions = loads;
            }
            catch (Exception exception) when (exception is TimeoutException or OrleansException)
            {
                record.FinalPartitions = null;
            }
        }));
    }

    private async Task CollectAsync(SiloRecord record, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!NodeMonitorKey.TryParse(record.Address, out var silo))
        {
            return;
        }

        var monitor = client.GetNodeMonitor(silo);
        try
        {
            while (true)
            {
                var batch = await monitor.GetSamples(record.LastSequence, BatchSize).WaitAsync(timeout, cancellationToken);
                foreach (var sample in batch)
                {
                    record.Samples.Add(sample);
                }

                if (batch.Count > 0)
                {
                    record.LastSequence = batch[^1].Sequence;
                }

                if (batch.Count < BatchSize)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is TimeoutException or OrleansException)
        {
            record.MissedCollections++;
        }
    }
}

/// <summary>Everything recorded about one silo.</summary>
internal sealed class SiloRecord(string address, string name, double capacity)
{
    public string Address { get; } = address;

    public string Name { get; } = name;

    public double Capacity { get; } = capacity;

    public List<NodeSample> Samples { get; } = [];

    public long LastSequence { get; set; }

    public int MissedCollections { get; set; }

    public IReadOnlyList<PartitionLoad>? FinalPartitions { get; set; }
}
