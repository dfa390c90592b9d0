using System.Globalization;
using Orleans.Adaptive.Client;

namespace Orleans.Adaptive.Silo.Demo;

/// <summary>The local demo's settings, from its flags.</summary>
internal sealed record DemoSettings
{
    public const int MaxSilos = 16;
    public static readonly double[] DefaultCapacities = [400, 400, 250];

    public int Silos { get; init; } = 3;

    /// <summary>Capacity of each silo in work units per second (one value per silo).</summary>
    public IReadOnlyList<double> Capacities { get; init; } = DefaultCapacities;

    /// <summary>How long to run; null runs until Ctrl+C.</summary>
    public TimeSpan? Duration { get; init; }

    public string? ReportPath { get; init; }

    /// <summary>A trace file to replay; null replays the shipped NASA excerpt.</summary>
    public string? TracePath { get; init; }

    public string? TraceColumn { get; init; }

    /// <summary>Wall-clock time each trace row lasts.</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Mean offered load as a fraction of the cluster's total capacity.</summary>
    public double Load { get; init; } = 0.45;

    public int Partitions { get; init; } = 48;

    public double Skew { get; init; } = 0.8;

    public double ItemCost { get; init; } = 1;

    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(1);

    public int Seed { get; init; } = 1;

    /// <summary>Silo port of the first silo; null picks the default, or free ports if it is taken.</summary>
    public int? SiloPort { get; init; }

    /// <summary>Gateway port of the first silo; null picks the default, or free ports if it is taken.</summary>
    public int? GatewayPort { get; init; }

    public string ClusterId { get; init; } = AdaptiveClusterOptions.DefaultClusterId;

    /// <summary>Print a line every few seconds instead of the live view.</summary>
    public bool Plain { get; init; }

    /// <summary>Whether the supervisor may act (place by prediction, migrate, scale); off shows Orleans alone.</summary>
    public bool Adaptation { get; init; } = true;

    /// <summary>
    /// Most silos the demo's autoscaler runs: it starts one more silo when the supervisor advises it and stops the
    /// silos it started when the advice falls. Equal to <see cref="Silos"/>: no autoscaling.
    /// </summary>
    public int ScaleUpTo { get; init; } = 4;

    /// <summary>How often the workload's hot set moves to other partitions (null: never).</summary>
    public TimeSpan? ShiftEvery { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The fault injected into one silo (the degrading node), or null for none.</summary>
    public FaultKind? Fault { get; init; } = FaultKind.CpuDegrade;

    /// <summary>The silo the fault hits (never silo 0, the primary, which holds membership).</summary>
    public int FaultSilo { get; init; } = 1;

    /// <summary>When the fault starts, from the start of the workload.</summary>
    public TimeSpan FaultAt { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the silo degrades before it fails.</summary>
    public TimeSpan FaultRamp { get; init; } = TimeSpan.FromSeconds(60);

    public double TotalCapacity => Capacities.Sum();

    /// <summary>Returns one message per invalid setting.</summary>
    public List<string> Validate()
    {
        var errors = new List<string>();
        if (ScaleUpTo < Silos || ScaleUpTo > MaxSilos)
        {
            errors.Add($"--scale-up-to must be from --silos ({Silos}) to {MaxSilos} (was {ScaleUpTo}).");
        }

        if (Fault is not null && (FaultSilo < 1 || FaultSilo >= Silos))
        {
            errors.Add($"--fault-silo must be from 1 to {Silos - 1}: silo 0 holds membership in the local cluster (was {FaultSilo}).");
        }

        if (Fault is FaultKind.Freeze or FaultKind.Crash or FaultKind.Partition)
        {
            errors.Add($"--fault {Fault}: the demo's silos share one process, so only in-silo faults apply (memory-leak, cpu-degrade, latency-creep, error-burst, gc-storm, flap); bench/Faults runs freeze and crash on separate processes.");
        }

        if (FaultAt < TimeSpan.Zero || FaultRamp <= TimeSpan.Zero)
        {
            errors.Add("--fault-at must not be negative and --fault-ramp must be greater than zero.");
        }

        if (ShiftEvery is { } shift && shift <= TimeSpan.Zero)
        {
            errors.Add("--shift-every must be greater than zero, or 'never'.");
        }

        if (Silos is < 1 or > MaxSilos)
        {
            errors.Add($"--silos must be from 1 to {MaxSilos} (was {Silos}).");
        }

        if (Capacities.Count != Silos)
        {
            errors.Add($"--capacities must give one capacity per silo ({Silos}), or a single value for all (got {Capacities.Count}).");
        }

        foreach (var capacity in Capacities)
        {
            if (!double.IsFinite(capacity) || capacity <= 0)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"--capacities: {capacity} is not a capacity; each must be a number of work units per second greater than zero."));
            }
        }

        if (Duration is { } duration && duration <= TimeSpan.Zero)
        {
            errors.Add($"--duration must be greater than zero (was {duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s); leave it out to run until Ctrl+C.");
        }

        if (Step <= TimeSpan.Zero)
        {
            errors.Add($"--step must be greater than zero (was {Step}).");
        }

        if (!double.IsFinite(Load) || Load <= 0 || Load > 10)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"--load must be a fraction of total capacity greater than 0 and at most 10 (was {Load})."));
        }

        if (Partitions is < 1 or > 100_000)
        {
            errors.Add($"--partitions must be from 1 to 100000 (was {Partitions}).");
        }

        if (!double.IsFinite(Skew) || Skew < 0 || Skew > 5)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"--skew must be from 0 (uniform) to 5 (was {Skew})."));
        }

        if (!double.IsFinite(ItemCost) || ItemCost <= 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"--item-cost must be a number of work units greater than zero (was {ItemCost})."));
        }

        if (SampleInterval <= TimeSpan.Zero || SampleInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"--sample-interval must be greater than zero and at most 1 minute (was {SampleInterval}).");
        }

        foreach (var (name, port) in new[] { ("--silo-port", SiloPort), ("--gateway-port", GatewayPort) })
        {
            if (port is { } p && (p < 1 || p + Silos - 1 > 65535))
            {
                errors.Add($"{name} must leave room for {Silos} consecutive ports within 1-65535 (was {p}).");
            }
        }

        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            errors.Add("--cluster-id must not be empty.");
        }

        if (ReportPath is not null)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(ReportPath));
            if (directory is not null && !Directory.Exists(directory))
            {
                errors.Add($"--report: the directory '{directory}' does not exist.");
            }
        }

        return errors;
    }
}
