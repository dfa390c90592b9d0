namespace Orleans.Adaptive.Faults;

/// <summary>What a silo's injected faults do at one moment, combined.</summary>
/// <param name="CapacityFactor">Capacity left, as a fraction of the configured one.</param>
/// <param name="ExtraLatencyMs">Extra milliseconds each piece of work takes.</param>
/// <param name="ErrorRate">Fraction of work that fails.</param>
/// <param name="GcPauseFraction">Fraction of time paused by (simulated) garbage collections.</param>
/// <param name="LeakedMb">Memory leaked so far, MiB.</param>
/// <param name="MemoryLimitMb">The memory limit of the leak, MiB, if one is leaking.</param>
/// <param name="Partitioned">Whether the silo is cut off from the others and from clients.</param>
internal sealed record FaultEffects(double CapacityFactor, double ExtraLatencyMs, double ErrorRate, double GcPauseFraction, double LeakedMb, double? MemoryLimitMb, bool Partitioned = false)
{
    /// <summary>While a flap is on, this fraction of the work fails.</summary>
    public const double FlapErrorRate = 0.5;

    /// <summary>No fault.</summary>
    public static readonly FaultEffects None = new(1, 0, 0, 0, 0, null);

    /// <summary>Whether work is affected at all (the fast path of every piece of work).</summary>
    public bool TouchesWork => ExtraLatencyMs > 0 || ErrorRate > 0;

    /// <summary>
    /// Combines <paramref name="faults"/> at <paramref name="now"/>. <paramref name="noise"/> draws one standard normal
    /// value per fault with noise; effects of several faults compound (capacities multiply, latencies add).
    /// </summary>
    public static FaultEffects At(IEnumerable<ScheduledFault> faults, DateTimeOffset now, Func<ScheduledFault, double> noise)
    {
        double capacity = 1, latency = 0, errors = 0, gc = 0, leaked = 0;
        double? limit = null;
        var partitioned = false;
        foreach (var fault in faults)
        {
            if (!fault.IsActiveAt(now))
            {
                continue;
            }

            var spec = fault.Spec;
            var progress = fault.ProgressAt(now);
            var jitter = spec.Noise > 0 ? Math.Max(0, 1 + spec.Noise * noise(fault)) : 1;
            switch (spec.Kind)
            {
                case FaultKind.CpuDegrade:
                    capacity *= Math.Clamp(1 - progress * (1 - spec.Severity) * jitter, 0.01, 1);
                    break;
                case FaultKind.LatencyCreep:
                    latency += progress * spec.Severity * jitter;
                    break;
                case FaultKind.ErrorBurst:
                    errors = Math.Max(errors, Math.Clamp(progress * spec.Severity * jitter, 0, 1));
                    break;
                case FaultKind.GcStorm:
                    gc = Math.Max(gc, Math.Clamp(progress * spec.Severity * jitter, 0, 0.95));
                    break;
                case FaultKind.MemoryLeak:
                    leaked += spec.MemoryMbPerSecond * (now - fault.StartsAt).TotalSeconds * (spec.Noise > 0 ? Math.Max(0.5, jitter) : 1);
                    limit = limit is { } l ? Math.Min(l, spec.MemoryLimitMb) : spec.MemoryLimitMb;
                    break;
                case FaultKind.Partition:
                    partitioned = true;
                    break;
                case FaultKind.Flap when fault.FlapIsOnAt(now):
                    latency += spec.Severity * jitter;
                    errors = Math.Max(errors, FlapErrorRate);
                    break;
            }
        }

        // A paused silo does no work: GC time is capacity lost.
        capacity *= 1 - gc;
        return capacity == 1 && latency == 0 && errors == 0 && gc == 0 && leaked == 0 && !partitioned
            ? None
            : new FaultEffects(capacity, latency, errors, gc, leaked, limit, partitioned);
    }
}

/// <summary>A fault with its schedule on this silo.</summary>
internal sealed record ScheduledFault(FaultSpec Spec, DateTimeOffset InjectedAt)
{
    /// <summary>When it starts.</summary>
    public DateTimeOffset StartsAt => InjectedAt + Spec.StartAfter;

    /// <summary>When it stops acting, if it does.</summary>
    public DateTimeOffset? EndsAt => Spec.Duration is { } duration ? StartsAt + duration : null;

    /// <summary>When the silo fails because of it, if it does and that is known from the schedule alone.</summary>
    public DateTimeOffset? ScheduledFailure => Spec.Kind switch
    {
        FaultKind.MemoryLeak => null, // when it reaches its limit
        FaultKind.Partition => StartsAt, // cut off from the cluster: failed as far as the others can tell
        _ => Spec.FailsAtEnd ? StartsAt + Spec.Ramp : null,
    };

    public bool IsActiveAt(DateTimeOffset now) => now >= StartsAt && (EndsAt is not { } end || now < end);

    /// <summary>How far along its ramp it is at <paramref name="now"/> (0–1).</summary>
    public double ProgressAt(DateTimeOffset now)
    {
        if (now < StartsAt)
        {
            return 0;
        }

        return Spec.Ramp <= TimeSpan.Zero ? 1 : Math.Clamp((now - StartsAt) / Spec.Ramp, 0, 1);
    }

    /// <summary>Flaps are on for a period, off for the next, and so on.</summary>
    public bool FlapIsOnAt(DateTimeOffset now)
        => Spec.FlapPeriod > TimeSpan.Zero && (long)Math.Floor((now - StartsAt) / Spec.FlapPeriod) % 2 == 0;
}
