using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orleans.Adaptive.Bench.Faults;

/// <summary>
/// A fault scenario, read from JSON (documented in bench/README.md): the cluster, the workload, and the faults with
/// their timing, severity and noise. Times are seconds from the start of the workload.
/// </summary>
internal sealed record FaultScenario
{
    /// <summary>Hosts a run can use.</summary>
    public const string InProcess = "in-process", Processes = "processes";

    public string Name { get; init; } = "";

    public string? Description { get; init; }

    /// <summary><c>in-process</c> (one process, in-silo faults only) or <c>processes</c> (a process per silo, Redis; needed for freeze, crash, partition).</summary>
    public string Host { get; init; } = InProcess;

    public int Silos { get; init; } = 6;

    public int Partitions { get; init; } = 60;

    /// <summary>Work units per second of each silo.</summary>
    public double Capacity { get; init; } = 1000;

    /// <summary>Mean offered load as a fraction of the cluster's capacity at the start.</summary>
    public double Load { get; init; } = 0.35;

    public double ItemCost { get; init; } = 5;

    public double Skew { get; init; } = 0.8;

    public double SampleIntervalSeconds { get; init; } = 1;

    /// <summary>Length of the run.</summary>
    public double DurationSeconds { get; init; } = 240;

    /// <summary>Trace replayed as the arrival rate, relative to <c>--data</c>; empty: the NASA excerpt shipped with the demo.</summary>
    public string? Trace { get; init; }

    /// <summary>Seconds of the run per trace row (the trace is time-compressed).</summary>
    public double TraceStepSeconds { get; init; } = 1;

    /// <summary>Transient noise on every silo (short latency, GC and error blips) that must not be taken for a failure.</summary>
    public BlipSettings? Blips { get; init; }

    public List<ScenarioFault> Faults { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads and checks a scenario file; every problem is reported with the file's name.</summary>
    /// <exception cref="InvalidDataException">The file is missing, malformed or describes a scenario that cannot run.</exception>
    public static FaultScenario Read(string path)
    {
        FaultScenario? scenario;
        try
        {
            scenario = JsonSerializer.Deserialize<FaultScenario>(File.ReadAllText(path), Json);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read the scenario: {exception.Message}", exception);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{path}: not a valid scenario (line {exception.LineNumber + 1}): {exception.Message}", exception);
        }

        if (scenario is null)
        {
            throw new InvalidDataException($"{path}: the file holds no scenario.");
        }

        if (string.IsNullOrWhiteSpace(scenario.Name))
        {
            scenario = scenario with { Name = Path.GetFileNameWithoutExtension(path) };
        }

        var problems = scenario.Problems().ToList();
        return problems.Count == 0 ? scenario : throw new InvalidDataException($"{path}: {string.Join(" ", problems)}");
    }

    public IEnumerable<string> Problems()
    {
        if (Host is not (InProcess or Processes)) yield return $"host must be '{InProcess}' or '{Processes}' (was '{Host}').";
        if (Silos is < 2 or > 16) yield return $"silos must be between 2 and 16 (was {Silos}).";
        if (Partitions is < 1 or > 100_000) yield return $"partitions must be between 1 and 100000 (was {Partitions}).";
        if (!(Capacity > 0) || !double.IsFinite(Capacity)) yield return "capacity must be a positive number.";
        if (!(Load > 0 && Load < 1)) yield return $"load must be above 0 and below 1 (was {Load}).";
        if (!(ItemCost > 0) || !double.IsFinite(ItemCost)) yield return "itemCost must be a positive number.";
        if (!(Skew >= 0) || !double.IsFinite(Skew)) yield return "skew must be 0 or more.";
        if (!(SampleIntervalSeconds >= 0.1 && SampleIntervalSeconds <= 60)) yield return "sampleIntervalSeconds must be between 0.1 and 60.";
        if (!(DurationSeconds >= 10)) yield return "durationSeconds must be at least 10.";
        if (!(TraceStepSeconds > 0)) yield return "traceStepSeconds must be positive.";
        if (Blips is { } blips && !(blips.PerSiloHour >= 0 && blips.PerSiloHour <= 10_000)) yield return "blips.perSiloHour must be between 0 and 10000.";
        for (var i = 0; i < Faults.Count; i++)
        {
            foreach (var problem in Faults[i].Problems(Silos, DurationSeconds, Host))
            {
                yield return $"faults[{i}]: {problem}";
            }
        }
    }
}

/// <summary>One fault of a scenario.</summary>
internal sealed record ScenarioFault
{
    private static readonly Dictionary<string, FaultKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["memory-leak"] = FaultKind.MemoryLeak,
        ["cpu-degrade"] = FaultKind.CpuDegrade,
        ["latency-creep"] = FaultKind.LatencyCreep,
        ["error-burst"] = FaultKind.ErrorBurst,
        ["gc-storm"] = FaultKind.GcStorm,
        ["flap"] = FaultKind.Flap,
        ["freeze"] = FaultKind.Freeze,
        ["crash"] = FaultKind.Crash,
        ["partition"] = FaultKind.Partition,
    };

    /// <summary>memory-leak, cpu-degrade, latency-creep, error-burst, gc-storm, flap, freeze, crash or partition.</summary>
    public string Kind { get; init; } = "";

    /// <summary>
    /// The silo's index (0-based); -1 for one chosen per seed among those no other fault of the run uses; -2 for the
    /// silo hosting the most partitions when the fault starts (other than the supervisor's, except for a crash), so
    /// that both modes lose a silo that matters.
    /// </summary>
    public int Silo { get; init; } = -1;

    public double StartSeconds { get; init; }

    /// <summary>A per-seed delay, uniform in [0, this], added to the start.</summary>
    public double StartJitterSeconds { get; init; }

    /// <summary>Time from the start to full severity; for a memory leak, to the memory limit. Degradation lasts this long before a failure.</summary>
    public double RampSeconds { get; init; } = 60;

    /// <summary>A per-seed change, uniform in [0, this], added to the ramp.</summary>
    public double RampJitterSeconds { get; init; }

    /// <summary>How long the fault lasts (error bursts, flaps); unset: for good.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>See <see cref="FaultSpec.Severity"/>: capacity left, extra ms, fraction failing or paused.</summary>
    public double Severity { get; init; }

    /// <summary>Memory leaked per second, MiB (memory-leak); the limit is set so that it is reached after the ramp.</summary>
    public double MemoryMbPerSecond { get; init; } = 20;

    public double FlapPeriodSeconds { get; init; } = 10;

    /// <summary>Relative noise on the fault's effect (0.1: ±10%).</summary>
    public double Noise { get; init; }

    /// <summary>Whether the silo dies when the ramp ends (the ground-truth failure).</summary>
    public bool FailsAtEnd { get; init; }

    [JsonIgnore]
    public FaultKind ParsedKind => Kinds.TryGetValue(Kind, out var kind) ? kind : throw new InvalidDataException($"unknown fault kind '{Kind}'.");

    /// <summary>The kind as written in scenarios.</summary>
    public static string NameOf(FaultKind kind) => Kinds.First(k => k.Value == kind).Key;

    public IEnumerable<string> Problems(int silos, double duration, string host)
    {
        if (!Kinds.TryGetValue(Kind, out var kind))
        {
            yield return $"kind must be one of {string.Join(", ", Kinds.Keys)} (was '{Kind}').";
            yield break;
        }

        if (Silo < -2 || Silo >= silos) yield return $"silo must be -1 (any), -2 (the busiest) or between 0 and {silos - 1} (was {Silo}).";

        if (!(StartSeconds >= 0) || !(StartJitterSeconds >= 0)) yield return "startSeconds and startJitterSeconds must be 0 or more.";
        if (StartSeconds + StartJitterSeconds >= duration) yield return "the fault must start before the run ends.";
        if (!(RampSeconds >= 0) || !(RampJitterSeconds >= 0)) yield return "rampSeconds and rampJitterSeconds must be 0 or more.";
        if (DurationSeconds is { } d && !(d > 0)) yield return "durationSeconds must be positive when set.";
        if (!(Noise >= 0 && Noise <= 1)) yield return "noise must be between 0 and 1.";
        if (kind is FaultKind.Freeze or FaultKind.Crash && host != FaultScenario.Processes)
        {
            yield return $"a {Kind} fault acts on a silo's process: it needs \"host\": \"{FaultScenario.Processes}\".";
        }

        var spec = ToSpec(kind, RampSeconds, memoryLimitMb: 1_000_000, seed: 1);
        if (spec.IsInSilo)
        {
            foreach (var problem in spec.Problems())
            {
                yield return problem;
            }
        }
    }

    /// <summary>The spec injected into the silo, with the ramp drawn for this seed.</summary>
    public FaultSpec ToSpec(FaultKind kind, double rampSeconds, double memoryLimitMb, int seed) => new()
    {
        Kind = kind,
        Ramp = TimeSpan.FromSeconds(rampSeconds),
        Duration = DurationSeconds is { } d ? TimeSpan.FromSeconds(d) : null,
        Severity = Severity,
        MemoryMbPerSecond = MemoryMbPerSecond,
        MemoryLimitMb = memoryLimitMb,
        FlapPeriod = TimeSpan.FromSeconds(FlapPeriodSeconds),
        Noise = Noise,
        Seed = seed,
        FailsAtEnd = FailsAtEnd,
    };
}

/// <summary>Transient noise: short blips on random silos at a Poisson rate.</summary>
internal sealed record BlipSettings
{
    /// <summary>Blips per silo and hour (each lasts 1–4 s: a latency spike, a GC pause burst or a few errors).</summary>
    public double PerSiloHour { get; init; } = 60;
}
