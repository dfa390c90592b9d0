namespace Orleans.Adaptive.Partitions;

/// <summary>The durable state of a work partition.</summary>
[GenerateSerializer, Alias("adaptive.WorkPartitionState")]
internal sealed class WorkPartitionState
{
    /// <summary>Items applied since the partition was created.</summary>
    [Id(0)] public long ItemsApplied { get; set; }

    /// <summary>Work units of the items applied.</summary>
    [Id(1)] public double WorkUnitsApplied { get; set; }

    /// <summary>Retries recognised and not applied again.</summary>
    [Id(2)] public long DuplicatesIgnored { get; set; }

    /// <summary>When the last item was applied.</summary>
    [Id(3)] public DateTimeOffset? LastAppliedAt { get; set; }

    /// <summary>Each producer's replay window, by producer id.</summary>
    [Id(4)] public Dictionary<string, ProducerWindow> Producers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Drops producers not seen since <paramref name="cutoff"/>; returns how many.</summary>
    public int ForgetProducersIdleSince(DateTimeOffset cutoff)
    {
        List<string>? idle = null;
        foreach (var (producer, window) in Producers)
        {
            if (window.LastSeen < cutoff)
            {
                (idle ??= []).Add(producer);
            }
        }

        if (idle is null)
        {
            return 0;
        }

        foreach (var producer in idle)
        {
            Producers.Remove(producer);
        }

        return idle.Count;
    }
}
