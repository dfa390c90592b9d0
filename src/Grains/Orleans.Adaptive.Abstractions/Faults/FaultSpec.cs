namespace Orleans.Adaptive;

/// <summary>Kinds of fault that can be injected into a silo (tests, the demo and benchmarks only).</summary>
[GenerateSerializer, Alias("adaptive.FaultKind")]
public enum FaultKind
{
    /// <summary>Memory grows at <see cref="FaultSpec.MemoryMbPerSecond"/> until it reaches <see cref="FaultSpec.MemoryLimitMb"/>, where the silo fails.</summary>
    MemoryLeak = 0,

    /// <summary>Capacity falls along a ramp to <see cref="FaultSpec.Severity"/> × its configured value.</summary>
    CpuDegrade = 1,

    /// <summary>Every piece of work takes longer, up to <see cref="FaultSpec.Severity"/> milliseconds more at the end of the ramp.</summary>
    LatencyCreep = 2,

    /// <summary>A fraction of the work fails (not applied, retryable), up to <see cref="FaultSpec.Severity"/> (0–1).</summary>
    ErrorBurst = 3,

    /// <summary>Garbage-collection pauses take up to <see cref="FaultSpec.Severity"/> (0–1) of the time; paused time does no work.</summary>
    GcStorm = 4,

    /// <summary>Slow, failing work (latency and errors at <see cref="FaultSpec.Severity"/>) switching on and off every <see cref="FaultSpec.FlapPeriod"/>.</summary>
    Flap = 5,

    /// <summary>The silo's process stops answering but keeps its sockets (SIGSTOP). Applied to the process from outside.</summary>
    Freeze = 6,

    /// <summary>The silo's process is killed without warning (SIGKILL). Applied to the process from outside.</summary>
    Crash = 7,

    /// <summary>
    /// The silo is cut off from the other silos and from clients (its connections stall as if packets were dropped;
    /// storage stays reachable), for <see cref="FaultSpec.Duration"/> or for good. The silo counts as failed when the
    /// partition starts.
    /// </summary>
    Partition = 8,
}

/// <summary>
/// One fault to inject into a silo: what, when it starts, how fast it grows and how bad it gets.
/// </summary>
/// <remarks>
/// Degrading faults grow linearly from nothing at <see cref="StartAfter"/> to full <see cref="Severity"/> after
/// <see cref="Ramp"/>, then hold. With <see cref="FailsAtEnd"/> the silo counts as failed when the ramp ends (a
/// memory leak fails when it reaches its limit): that moment is the ground truth a detector's lead time is measured
/// against, and harnesses kill the silo then.
/// </remarks>
[GenerateSerializer, Immutable, Alias("adaptive.FaultSpec")]
public sealed record FaultSpec
{
    /// <summary>What kind of fault.</summary>
    [Id(0)] public FaultKind Kind { get; init; }

    /// <summary>Delay from the injection call to the start of the fault.</summary>
    [Id(1)] public TimeSpan StartAfter { get; init; }

    /// <summary>Time from the start to full severity (0: full at once).</summary>
    [Id(2)] public TimeSpan Ramp { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the fault lasts from its start, or null for as long as the silo lives (error bursts and flaps end; degradations do not).</summary>
    [Id(3)] public TimeSpan? Duration { get; init; }

    /// <summary>
    /// How bad it gets: the remaining fraction of capacity (cpu-degrade, e.g. 0.1), extra milliseconds per piece of
    /// work (latency-creep, flap), the fraction of work that fails (error-burst, flap's errors) or of time paused
    /// (gc-storm). Memory leaks use <see cref="MemoryMbPerSecond"/> and <see cref="MemoryLimitMb"/> instead.
    /// </summary>
    [Id(4)] public double Severity { get; init; }

    /// <summary>Memory leaked per second, MiB (memory-leak).</summary>
    [Id(5)] public double MemoryMbPerSecond { get; init; } = 10;

    /// <summary>
    /// Memory at which the silo fails, MiB (memory-leak): what the silo used when the leak started plus what it has
    /// leaked. Its readings show the leak on top of the process's real memory, against this limit.
    /// </summary>
    [Id(6)] public double MemoryLimitMb { get; init; } = 2048;

    /// <summary>Time on, then off, of a flap.</summary>
    [Id(7)] public TimeSpan FlapPeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Relative noise on the fault's effect at every tick (0.1: ±10%), so it is not a clean ramp.</summary>
    [Id(8)] public double Noise { get; init; }

    /// <summary>Seed of the noise.</summary>
    [Id(9)] public int Seed { get; init; } = 1;

    /// <summary>Whether the silo counts as failed when the ramp ends (memory leaks: at the limit).</summary>
    [Id(10)] public bool FailsAtEnd { get; init; }

    /// <summary>Whether the fault acts inside the silo; freeze and crash act on its process from outside.</summary>
    public bool IsInSilo => Kind is not (FaultKind.Freeze or FaultKind.Crash);

    /// <summary>The problems with this spec, if any (empty when valid).</summary>
    public IEnumerable<string> Problems()
    {
        if (StartAfter < TimeSpan.Zero) yield return "StartAfter must not be negative.";
        if (Ramp < TimeSpan.Zero) yield return "Ramp must not be negative.";
        if (Duration is { } duration && duration <= TimeSpan.Zero) yield return "Duration must be positive when set.";
        if (!double.IsFinite(Noise) || Noise is < 0 or > 1) yield return "Noise must be between 0 and 1.";
        switch (Kind)
        {
            case FaultKind.MemoryLeak:
                if (!double.IsFinite(MemoryMbPerSecond) || MemoryMbPerSecond <= 0) yield return "MemoryMbPerSecond must be a positive number.";
                if (!double.IsFinite(MemoryLimitMb) || MemoryLimitMb <= 0) yield return "MemoryLimitMb must be a positive number.";
                break;
            case FaultKind.CpuDegrade:
                if (!double.IsFinite(Severity) || Severity is < 0 or >= 1) yield return "Severity of cpu-degrade is the capacity left: at least 0 and below 1.";
                break;
            case FaultKind.LatencyCreep:
                if (!double.IsFinite(Severity) || Severity <= 0 || Severity > 60_000) yield return "Severity of latency-creep is extra milliseconds: above 0, at most 60000.";
                break;
            case FaultKind.ErrorBurst or FaultKind.GcStorm:
                if (!double.IsFinite(Severity) || Severity is <= 0 or > 1) yield return $"Severity of {Kind} is a fraction: above 0, at most 1.";
                break;
            case FaultKind.Flap:
                if (!double.IsFinite(Severity) || Severity <= 0 || Severity > 60_000) yield return "Severity of a flap is extra milliseconds: above 0, at most 60000.";
                if (FlapPeriod <= TimeSpan.Zero) yield return "FlapPeriod must be positive.";
                break;
        }
    }
}

/// <summary>A fault injected into a silo and what it does now.</summary>
/// <param name="Spec">The fault.</param>
/// <param name="InjectedAt">When it was injected.</param>
/// <param name="StartsAt">When it starts (or started).</param>
/// <param name="FailsAt">When the silo fails because of it, if it does (the ground truth).</param>
/// <param name="Progress">How far along its ramp it is (0–1).</param>
/// <param name="Active">Whether it acts now.</param>
[GenerateSerializer, Immutable, Alias("adaptive.InjectedFault")]
public sealed record InjectedFault(
    [property: Id(0)] FaultSpec Spec,
    [property: Id(1)] DateTimeOffset InjectedAt,
    [property: Id(2)] DateTimeOffset StartsAt,
    [property: Id(3)] DateTimeOffset? FailsAt,
    [property: Id(4)] double Progress,
    [property: Id(5)] bool Active);

/// <summary>The faults of a silo and their combined effect now.</summary>
[GenerateSerializer, Immutable, Alias("adaptive.FaultStatus")]
public sealed record FaultStatus
{
    /// <summary>The silo.</summary>
    [Id(0)] public required string Silo { get; init; }

    /// <summary>Whether fault injection is enabled on it.</summary>
    [Id(1)] public bool Enabled { get; init; }

    /// <summary>Its faults.</summary>
    [Id(2)] public IReadOnlyList<InjectedFault> Faults { get; init; } = [];

    /// <summary>When the silo failed because of a fault (the ground truth), or null.</summary>
    [Id(3)] public DateTimeOffset? FailedAt { get; init; }

    /// <summary>Capacity left, as a fraction of the configured one.</summary>
    [Id(4)] public double CapacityFactor { get; init; } = 1;

    /// <summary>Extra milliseconds each piece of work takes.</summary>
    [Id(5)] public double ExtraLatencyMs { get; init; }

    /// <summary>Fraction of work that fails.</summary>
    [Id(6)] public double ErrorRate { get; init; }

    /// <summary>Fraction of time paused by simulated garbage collections.</summary>
    [Id(7)] public double GcPauseFraction { get; init; }

    /// <summary>Memory leaked so far, MiB.</summary>
    [Id(8)] public double LeakedMb { get; init; }
}

/// <summary>
/// Injects faults into the silo it is pinned to (key: the silo's address, as for node monitors). It refuses unless
/// the silo enables fault injection (<c>Adaptive:Runtime:FaultInjection:Enabled</c>), which production silos never should.
/// </summary>
public interface IFaultInjectionGrain : IGrainWithStringKey
{
    /// <summary>Injects a fault; returns it with its schedule.</summary>
    /// <exception cref="InvalidOperationException">Fault injection is disabled on the silo.</exception>
    /// <exception cref="ArgumentException">The spec is invalid, or its kind acts from outside the silo.</exception>
    Task<InjectedFault> Inject(FaultSpec fault);

    /// <summary>Removes every fault (the silo recovers at once, apart from a failure already declared).</summary>
    Task Clear();

    /// <summary>The silo's faults and their effect now.</summary>
    Task<FaultStatus> GetStatus();
}

/// <summary>Shortcuts to fault-injection grains.</summary>
public static class FaultInjection
{
    /// <summary>The fault-injection grain of <paramref name="silo"/>.</summary>
    public static IFaultInjectionGrain GetFaultInjection(this IGrainFactory grainFactory, SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        return grainFactory.GetGrain<IFaultInjectionGrain>(NodeMonitorKey.For(silo));
    }
}
