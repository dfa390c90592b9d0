namespace Orleans.Adaptive.Bench.Faults;

/// <summary>Where a run's silos live, and how faults that act from outside a silo are applied to them.</summary>
internal interface IFaultHost : IAsyncDisposable
{
    /// <summary>A client connected to the cluster.</summary>
    IClusterClient Client { get; }

    /// <summary>The silos, by index.</summary>
    IReadOnlyList<SiloAddress> Silos { get; }

    /// <summary>Kills a silo without warning (in-process: as abruptly as the test host allows).</summary>
    Task KillAsync(int silo);

    /// <summary>Freezes a silo's process (SIGSTOP); it keeps its sockets. Processes only.</summary>
    Task FreezeAsync(int silo);
}
