using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Adaptive.Capacity;
using Orleans.Adaptive.Diagnostics;
using Orleans.Adaptive.Monitoring;

namespace Orleans.Adaptive.Faults;

/// <summary>
/// The silo's injected faults (tests, the demo and benchmarks; off unless <see cref="FaultInjectionOptions.Enabled"/>):
/// every tick it works out their combined effect and applies it where the silo does its work.
/// </summary>
/// <remarks>
/// <para>
/// Silos that share a process share its CPU, memory and garbage collector, so faults act on what is the silo's own:
/// its simulated capacity (cpu-degrade, gc-storm), each piece of work it does (latency-creep, error-burst, flap),
/// its memory and GC readings (memory-leak, gc-storm add to what the process really shows), and its connections
/// (partition: <see cref="NetworkPartition"/>). The same holds in a silo of its own process, so a fault behaves alike
/// in-process and across processes. Freeze and crash act on a process from outside and are not injected here.
/// </para>
/// <para>
/// A fault that makes the silo fail (<see cref="FaultSpec.FailsAtEnd"/>, a memory leak at its limit) records when:
/// that is the ground truth a detector's lead time is measured against. With
/// <see cref="FaultInjectionOptions.KillProcessOnFailure"/> the process then kills itself without warning, as the
/// kernel's out-of-memory killer would.
/// </para>
/// </remarks>
internal sealed class SiloFaultInjector : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly Lock _lock = new();
    private readonly List<ScheduledFault> _faults = [];
    private readonly Dictionary<ScheduledFault, Random> _noise = [];
    private readonly SimulatedCapacityExecutor _executor;
    private readonly NetworkPartition _partition;
    private readonly FaultInjectionOptions _options;
    private readonly double? _configuredCapacity;
    private readonly TimeProvider _time;
    private readonly ILogger<SiloFaultInjector> _logger;
    private ITimer? _timer;
    private FaultEffects _effects = FaultEffects.None;
    private double _gcPauseSeconds;
    private double _gcCollections;
    private double _lastRealMemoryMb;
    private double? _leakBaseMb;
    private DateTimeOffset? _failedAt;
    private DateTimeOffset _lastTick;

    public SiloFaultInjector(SimulatedCapacityExecutor executor, NetworkPartition partition, IOptions<AdaptiveRuntimeOptions> options, TimeProvider time, ILogger<SiloFaultInjector> logger)
    {
        _executor = executor;
        _partition = partition;
        _options = options.Value.FaultInjection;
        _configuredCapacity = options.Value.Capacity.WorkUnitsPerSecond;
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether faults may be injected.</summary>
    public bool Enabled => _options.Enabled;

    /// <summary>The effect of the faults now (refreshed every tick).</summary>
    public FaultEffects Effects => Volatile.Read(ref _effects);

    /// <summary>When the silo failed because of a fault, or null.</summary>
    public DateTimeOffset? FailedAt
    {
        get
        {
            lock (_lock)
            {
                return _failedAt;
            }
        }
    }

    /// <summary>Adds a fault.</summary>
    /// <exception cref="InvalidOperationException">Fault injection is disabled.</exception>
    /// <exception cref="ArgumentException">The fault is invalid or acts from outside the silo.</exception>
    public InjectedFault Inject(FaultSpec fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        if (!_options.Enabled)
        {
            throw new InvalidOperationException("Fault injection is disabled on this silo (Adaptive:Runtime:FaultInjection:Enabled = false).");
        }

        if (!fault.IsInSilo)
        {
            throw new ArgumentException($"A {fault.Kind} fault acts on the silo's process from outside (bench/Faults applies it); it cannot be injected into the silo.", nameof(fault));
        }

        var problems = fault.Problems().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid {fault.Kind} fault: {string.Join(" ", problems)}", nameof(fault));
        }

        if (fault.Kind is FaultKind.CpuDegrade or FaultKind.GcStorm && _configuredCapacity is null)
        {
            throw new ArgumentException($"A {fault.Kind} fault acts on the silo's simulated capacity, and this silo has none (Adaptive:Runtime:Capacity:WorkUnitsPerSecond).", nameof(fault));
        }

        var scheduled = new ScheduledFault(fault, _time.GetUtcNow());
        lock (_lock)
        {
            _faults.Add(scheduled);
            _noise[scheduled] = new Random(fault.Seed);
            _timer ??= _time.CreateTimer(_ => OnTick(), null, TimeSpan.Zero, Tick);
        }

        Log.FaultInjected(_logger, fault.Kind, fault.StartAfter, fault.Ramp, fault.Severity);
        return Describe(scheduled, scheduled.InjectedAt);
    }

    /// <summary>Removes every fault; capacity is restored at once.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _faults.Clear();
            _noise.Clear();
            _leakBaseMb = null;
            Volatile.Write(ref _effects, FaultEffects.None);
            _executor.SetCapacity(_configuredCapacity);
            _partition.Set(false);
        }
    }

    /// <summary>The faults and their effect now.</summary>
    public FaultStatus Status(string silo)
    {
        var now = _time.GetUtcNow();
        var effects = Effects;
        lock (_lock)
        {
            return new FaultStatus
            {
                Silo = silo,
                Enabled = _options.Enabled,
                Faults = _faults.Select(f => Describe(f, now)).ToList(),
                FailedAt = _failedAt,
                CapacityFactor = effects.CapacityFactor,
                ExtraLatencyMs = effects.ExtraLatencyMs,
                ErrorRate = effects.ErrorRate,
                GcPauseFraction = effects.GcPauseFraction,
                LeakedMb = effects.LeakedMb,
            };
        }
    }

    /// <summary>
    /// Runs before each piece of work: fails it (before it is applied, so a retry is safe) or delays it, as the
    /// faults say. Without faults it returns at once.
    /// </summary>
    public ValueTask BeforeWorkAsync(CancellationToken cancellationToken)
    {
        var effects = Volatile.Read(ref _effects);
        if (!effects.TouchesWork)
        {
            return ValueTask.CompletedTask;
        }

        if (effects.ErrorRate > 0 && Random.Shared.NextDouble() < effects.ErrorRate)
        {
            throw new WorkRejectedException(WorkRejectionReason.Failed, "The silo failed while doing the work (injected fault); the item was not applied. Retry it.");
        }

        return effects.ExtraLatencyMs > 0
            ? new ValueTask(Task.Delay(TimeSpan.FromMilliseconds(effects.ExtraLatencyMs), _time, cancellationToken))
            : ValueTask.CompletedTask;
    }

    /// <summary>The process's resource reading as this silo shows it: leaked memory added, counted against the leak's limit.</summary>
    public NodeResourceReading Adjust(NodeResourceReading reading)
    {
        var effects = Volatile.Read(ref _effects);
        if (reading.MemoryUsedBytes is { } used)
        {
            Volatile.Write(ref _lastRealMemoryMb, used / Megabyte);
        }

        if (effects.MemoryLimitMb is not { } limit)
        {
            return reading;
        }

        var usedMb = (reading.MemoryUsedBytes ?? 0) / Megabyte + effects.LeakedMb;
        return reading with { MemoryUsedBytes = usedMb * Megabyte, MemoryAvailableBytes = Math.Max(0, limit - usedMb) * Megabyte };
    }

    /// <summary>Garbage collections and pause time the faults added so far (cumulative, as the runtime's own counters).</summary>
    public (long Collections, TimeSpan Pause) InjectedGc
    {
        get
        {
            lock (_lock)
            {
                return ((long)_gcCollections, TimeSpan.FromSeconds(_gcPauseSeconds));
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private const double Megabyte = 1024 * 1024;

    private void OnTick()
    {
        var now = _time.GetUtcNow();
        FaultEffects effects;
        DateTimeOffset? failed = null;
        lock (_lock)
        {
            effects = FaultEffects.At(_faults, now, fault => Gaussian(_noise[fault]));
            var elapsed = _lastTick == default ? 0 : Math.Max(0, (now - _lastTick).TotalSeconds);
            _lastTick = now;

            // Simulated collections: about ten a second at full storm, their pauses filling the paused fraction.
            _gcPauseSeconds += effects.GcPauseFraction * elapsed;
            _gcCollections += effects.GcPauseFraction * 10 * elapsed;

            if (_configuredCapacity is { } configured)
            {
                _executor.SetCapacity(configured * effects.CapacityFactor);
            }

            _partition.Set(effects.Partitioned);

            if (_failedAt is null && FailureAt(now, effects) is { } at)
            {
                _failedAt = failed = at;
            }

            Volatile.Write(ref _effects, effects);
        }

        if (failed is { } failedAt)
        {
            Log.FaultFailedSilo(_logger, failedAt, _options.KillProcessOnFailure);
            if (_options.KillProcessOnFailure)
            {
                // No goodbye: the kernel's out-of-memory killer gives none either.
                Process.GetCurrentProcess().Kill();
            }
        }
    }

    /// <summary>When the silo failed, if a fault made it fail by now.</summary>
    private DateTimeOffset? FailureAt(DateTimeOffset now, FaultEffects effects)
    {
        foreach (var fault in _faults)
        {
            if (fault.ScheduledFailure is { } scheduled && now >= scheduled)
            {
                return scheduled;
            }
        }

        // A leak fails on what the silo used when it started plus what it leaked, not on the process's own drift
        // (silos sharing a process would otherwise fail early or late with it): its schedule is the ground truth.
        if (effects.MemoryLimitMb is { } limit)
        {
            _leakBaseMb ??= Volatile.Read(ref _lastRealMemoryMb);
            if (_leakBaseMb + effects.LeakedMb >= limit)
            {
                return now;
            }
        }

        return null;
    }

    private InjectedFault Describe(ScheduledFault fault, DateTimeOffset now)
    {
        DateTimeOffset? failsAt = fault.ScheduledFailure;
        if (fault.Spec.Kind == FaultKind.MemoryLeak)
        {
            var headroom = fault.Spec.MemoryLimitMb - (_leakBaseMb ?? Volatile.Read(ref _lastRealMemoryMb));
            failsAt = fault.StartsAt + TimeSpan.FromSeconds(Math.Max(0, headroom) / fault.Spec.MemoryMbPerSecond);
        }

        return new InjectedFault(fault.Spec, fault.InjectedAt, fault.StartsAt, failsAt, fault.ProgressAt(now), fault.IsActiveAt(now));
    }

    private static double Gaussian(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
