using Orleans.Adaptive.Learning.Anomaly;
using Orleans.Adaptive.Learning.Health;

namespace Orleans.Adaptive.Supervision;

/// <summary>
/// The health side of the supervisor, free of Orleans: scores every silo each cycle
/// (<see cref="FleetHealthDetector"/>) and decides, within the safety rules, which silos to quarantine, release,
/// probe or evict.
/// </summary>
/// <remarks>
/// <para>Safety rules, in order:</para>
/// <list type="bullet">
/// <item>Nothing is done while adaptation or quarantine is switched off; silos are still scored and changes reported.</item>
/// <item>At most ⌊<see cref="HealthOptions.MaxQuarantinedFraction"/> × silos⌋ are quarantined at once (below half,
/// so never a majority, never the last healthy silo); the most severe cases go first.</item>
/// <item>A silo is evicted only when it stopped reporting and did not answer a probe. If more silos are silent at
/// once than may be quarantined, none is evicted: the likelier fault is on the supervisor's side of the network.</item>
/// </list>
/// <para>Not thread-safe: the supervisor grain owns it.</para>
/// </remarks>
internal sealed class HealthSupervisor
{
    private readonly HealthOptions _options;
    private readonly FleetHealthDetector _detector;
    private readonly Dictionary<string, NodeSample> _latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _processed = new(StringComparer.Ordinal);

    public HealthSupervisor(HealthOptions options, TimeSpan cycleInterval)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _detector = new FleetHealthDetector(HealthReadings.Metrics, cycleInterval, new FleetHealthOptions
        {
            BaselineWindow = options.BaselineWindow,
            MinimumBaseline = Math.Min(20, options.BaselineWindow),
            MinimumTraining = options.MinimumTraining,
            TrainingWindow = Math.Max(2048, options.MinimumTraining),
            RetrainEvery = options.RetrainEvery,
            ThresholdQuantile = options.ThresholdQuantile,
            ExtremeDeviation = options.ExtremeDeviation,
            MinimumAnomalyDeviation = options.MinimumAnomalyDeviation,
            SuspectCount = options.SuspectCount,
            SuspectWindow = options.SuspectWindow,
            FailingCycles = options.FailingCycles,
            ClearCycles = options.ClearCycles,
            ReleaseCycles = options.ReleaseCycles,
            MaxReleaseCycles = Math.Max(options.ReleaseCycles, 3600),
            UnmeasuredReleaseFactor = options.UnmeasuredReleaseFactor,
            SilentCycles = options.SilentCycles,
            ExhaustionHorizon = options.ExhaustionHorizon,
            FailingExhaustionHorizon = options.FailingExhaustionHorizon,
            Forest = new IsolationForestOptions { Seed = 17 },
        });
    }

    /// <summary>The detector (its training progress and thresholds are part of the supervisor's status).</summary>
    public FleetHealthDetector Detector => _detector;

    /// <summary>Keeps a silo's newest sample; it is scored at the next cycle.</summary>
    public void Ingest(NodeSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (!string.IsNullOrWhiteSpace(sample.Silo))
        {
            _latest[sample.Silo] = sample;
        }
    }

    /// <summary>Every silo's healthy baseline, to persist.</summary>
    public IReadOnlyList<NodeBaseline> Baselines() => _detector.Baselines();

    /// <summary>Carries persisted baselines over to a new supervisor activation; returns how many were taken.</summary>
    public int RestoreBaselines(IEnumerable<NodeBaseline> baselines)
    {
        ArgumentNullException.ThrowIfNull(baselines);
        var taken = 0;
        foreach (var baseline in baselines)
        {
            if (!string.IsNullOrWhiteSpace(baseline?.Node) && _detector.RestoreBaseline(baseline))
            {
                taken++;
            }
        }

        return taken;
    }

    /// <summary>Carries a persisted state over to a new supervisor activation.</summary>
    public void Restore(string silo, HealthState state, int failures) => _detector.Restore(silo, state, failures);

    /// <summary>Runs one cycle.</summary>
    /// <param name="activeSilos">Silos membership holds active, or null when unknown; others are forgotten.</param>
    /// <param name="quarantined">Silos quarantined now.</param>
    /// <param name="unresponsive">Silos that did not answer a probe since the last cycle.</param>
    /// <param name="mayAct">Whether quarantines, releases and evictions may be decided (adaptation and quarantine on).</param>
    public HealthCycle RunCycle(IReadOnlySet<string>? activeSilos, IReadOnlySet<string> quarantined, IReadOnlySet<string> unresponsive, bool mayAct)
    {
        ArgumentNullException.ThrowIfNull(quarantined);
        ArgumentNullException.ThrowIfNull(unresponsive);
        if (activeSilos is not null)
        {
            foreach (var gone in _detector.Nodes.Where(n => !activeSilos.Contains(n)).ToList())
            {
                _detector.Forget(gone);
                _latest.Remove(gone);
                _processed.Remove(gone);
            }
        }

        var readings = new List<NodeReading>(_latest.Count);
        foreach (var (silo, sample) in _latest)
        {
            if (activeSilos is not null && !activeSilos.Contains(silo))
            {
                continue;
            }

            if (!_processed.TryGetValue(silo, out var done) || done != sample.Sequence)
            {
                _processed[silo] = sample.Sequence;
                readings.Add(new NodeReading(silo, HealthReadings.From(sample)));
            }
        }

        var verdicts = _detector.Observe(readings, unresponsive);
        var silos = activeSilos?.Count ?? verdicts.Count;
        var allowed = MaxQuarantined(_options, silos);
        var toProbe = verdicts.Where(v => v.Evidence.HasFlag(HealthEvidence.Silent) && !v.Evidence.HasFlag(HealthEvidence.Unresponsive)).Select(v => v.Node).ToList();
        if (!mayAct)
        {
            return new HealthCycle(verdicts, [], [], [], [], toProbe, allowed);
        }

        var releases = verdicts
            .Where(v => quarantined.Contains(v.Node) && v.State == HealthState.Healthy)
            .Select(v => v.Node)
            .ToList();
        var stillQuarantined = quarantined.Count(q => !releases.Contains(q) && (activeSilos?.Contains(q) ?? true));

        var failing = verdicts
            .Where(v => v.State == HealthState.Failing && !quarantined.Contains(v.Node))
            .OrderByDescending(Severity)
            .ThenByDescending(v => double.IsFinite(v.Score) ? v.Score : 0)
            .ThenBy(v => v.Node, StringComparer.Ordinal)
            .ToList();
        var quarantines = new List<NodeHealth>();
        var refusals = new List<(NodeHealth Verdict, string Reason)>();
        foreach (var verdict in failing)
        {
            if (stillQuarantined + quarantines.Count < allowed)
            {
                quarantines.Add(verdict);
            }
            else
            {
                refusals.Add((verdict, $"{stillQuarantined + quarantines.Count} of {silos} silos are quarantined already, the most allowed (MaxQuarantinedFraction {_options.MaxQuarantinedFraction:0.##})"));
            }
        }

        // Evict only silos that stopped reporting and did not answer, and only when few are silent at once.
        var evictions = new List<NodeHealth>();
        if (_options.EvictUnresponsive)
        {
            var silent = verdicts.Count(v => v.Evidence.HasFlag(HealthEvidence.Silent));
            foreach (var verdict in verdicts.Where(v => v.State == HealthState.Failing && v.Evidence.HasFlag(HealthEvidence.Unresponsive)))
            {
                if (silent > allowed)
                {
                    refusals.Add((verdict, $"{silent} of {silos} silos are silent at once, more than may be quarantined ({allowed}): the fault may be on the supervisor's side, so none is evicted"));
                    quarantines.Remove(verdict);
                }
                else if (quarantined.Contains(verdict.Node) || quarantines.Contains(verdict))
                {
                    evictions.Add(verdict);
                }
            }
        }

        return new HealthCycle(verdicts, quarantines, releases, evictions, refusals, toProbe, allowed);
    }

    /// <summary>Why a quarantined silo is released, from its verdict in the cycle that released it.</summary>
    public static string ReleaseReason(NodeHealth? verdict, HealthOptions options) => verdict?.Release switch
    {
        HealthRelease.Recovered => FormattableString.Invariant(
            $"it was measured calm for {verdict.ReleaseAfterCycles} cycles ({options.ReleaseCycles}, doubled per earlier failure)."),
        HealthRelease.Probation => FormattableString.Invariant(
            $"on probation: what condemned it was no longer measured (drained of its work) and nothing else spoke against it for {verdict.ReleaseAfterCycles} cycles ({options.UnmeasuredReleaseFactor} times the release time); it is judged again on the work it gets."),
        _ => $"its health detector has no evidence against it ({verdict?.Explain() ?? "no verdict"}).",
    };

    /// <summary>Silos that may be quarantined at once in a cluster of <paramref name="silos"/>: below half, never the last healthy one.</summary>
    public static int MaxQuarantined(HealthOptions options, int silos) => Math.Min((int)Math.Floor(options.MaxQuarantinedFraction * silos), Math.Max(0, silos - 1));

    /// <summary>Unanswered probes first, then resources about to run out, then the rest.</summary>
    private static int Severity(NodeHealth verdict)
        => verdict.Evidence.HasFlag(HealthEvidence.Unresponsive) ? 3
            : verdict.Evidence.HasFlag(HealthEvidence.Exhaustion) ? 2
            : verdict.Evidence.HasFlag(HealthEvidence.Silent) ? 1
            : 0;
}

/// <summary>What one health cycle found and decided.</summary>
/// <param name="Verdicts">Every silo's verdict.</param>
/// <param name="Quarantine">Silos to quarantine now.</param>
/// <param name="Release">Quarantined silos healthy again.</param>
/// <param name="Evict">Quarantined (or just quarantined) silos that do not answer: evict them from membership.</param>
/// <param name="Refused">Failing silos left in service, with the rule that kept them.</param>
/// <param name="Probe">Silent silos to probe.</param>
/// <param name="MaxQuarantined">Silos that may be quarantined at once now.</param>
internal sealed record HealthCycle(
    IReadOnlyList<NodeHealth> Verdicts,
    IReadOnlyList<NodeHealth> Quarantine,
    IReadOnlyList<string> Release,
    IReadOnlyList<NodeHealth> Evict,
    IReadOnlyList<(NodeHealth Verdict, string Reason)> Refused,
    IReadOnlyList<string> Probe,
    int MaxQuarantined);
