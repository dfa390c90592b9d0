using Orleans.Adaptive.Learning.Anomaly;
using Orleans.Adaptive.Learning.Features;
using Orleans.Adaptive.Learning.Numerics;

namespace Orleans.Adaptive.Learning.Health;

/// <summary>
/// Watches a fleet of nodes (silos) and says, every cycle, which are Healthy, Suspect or Failing: an Isolation Forest
/// trained on the healthy history of all nodes, each node normalised against its own baseline and compared with its
/// peers, plus trend extrapolation for resources that run out and silence for nodes that stop reporting.
/// </summary>
/// <remarks>
/// <para>Each cycle, for every node that reported:</para>
/// <list type="number">
/// <item>Each metric is turned into a deviation from the node's own healthy baseline (median and MAD of its last
/// <see cref="FleetHealthOptions.BaselineWindow"/> healthy readings, the spread floored so a metric that barely moves
/// cannot turn a trivial change into a huge one). A weak node is thus judged against itself, not against stronger
/// ones.</item>
/// <item>Peer-relative metrics then lose the median deviation of all scored nodes at the same cycle: a load peak that
/// raises every node's latency is nobody's fault, one node whose latency rises alone is suspicious.</item>
/// <item>Deviations are smoothed (the median of the last <see cref="FleetHealthOptions.SmoothingWindow"/> readings, so a
/// blip shorter than half the window does not count) and made one-sided
/// (a node that gets faster is not failing), giving the node's feature vector.</item>
/// <item>The forest, grown on the pooled feature vectors of nodes while they were healthy and regrown every
/// <see cref="FleetHealthOptions.RetrainEvery"/> cycles, scores the vector; the threshold is a high quantile of the
/// training vectors' own scores, so it adapts to how noisy the fleet is. A high score counts only when some feature is
/// at least <see cref="FleetHealthOptions.MinimumAnomalyDeviation"/> out: an unusual mix of ordinary values is not a
/// failure.</item>
/// </list>
/// <para>
/// Hysteresis turns evidence into states: k of n anomalous cycles make a node Suspect; a Suspect node that keeps
/// showing evidence for <see cref="FleetHealthOptions.FailingCycles"/> cycles is Failing; a node that did not answer a
/// probe, or whose limited resource runs out within <see cref="FleetHealthOptions.FailingExhaustionHorizon"/>, is
/// Failing at once. A Suspect node is cleared after <see cref="FleetHealthOptions.ClearCycles"/> calm cycles; a
/// Failing one is released after <see cref="FleetHealthOptions.ReleaseCycles"/>, doubled at each repeated failure.
/// While a node is Failing, a metric it stops reporting holds its last deviation (its work has been moved away, so its
/// latency is no longer measured, which is no evidence that it recovered): evidence resting only on such held
/// metrics delays its release by <see cref="FleetHealthOptions.UnmeasuredReleaseFactor"/> instead of preventing it,
/// so a false alarm does not keep a silo out for good.
/// Only readings of Healthy nodes without evidence are learnt from (baselines and training), so a degradation is
/// never learnt as normal.
/// </para>
/// <para>Pure and not thread-safe: the supervisor owns one and feeds it one cycle at a time.</para>
/// </remarks>
public sealed class FleetHealthDetector
{
    /// <summary>Baseline statistics are recomputed after this many new healthy readings (medians are not free).</summary>
    private const int BaselineRefreshEvery = 10;

    /// <summary>Fewest scored nodes for a peer median: with two, the "median" is one of the pair.</summary>
    private const int MinimumPeers = 3;

    private readonly HealthMetric[] _metrics;
    private readonly FleetHealthOptions _options;
    private readonly TimeSpan _cycleInterval;
    private readonly Dictionary<string, NodeTrack> _nodes = new(StringComparer.Ordinal);
    private readonly Queue<double[]> _training = new();
    private readonly double[] _peerMedian;
    private IsolationForestModel? _forest;
    private double _threshold = double.NaN;
    private long _cycle;
    private long _trainedAtCycle;

    /// <summary>Creates a detector.</summary>
    /// <param name="metrics">The metrics of every reading, in order.</param>
    /// <param name="cycleInterval">Time between cycles (turns trends into times to a limit).</param>
    /// <param name="options">Settings.</param>
    public FleetHealthDetector(IReadOnlyList<HealthMetric> metrics, TimeSpan cycleInterval, FleetHealthOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (metrics.Count == 0)
        {
            throw new ArgumentException("The detector needs at least one metric.", nameof(metrics));
        }

        foreach (var metric in metrics)
        {
            metric.Validate();
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(cycleInterval, TimeSpan.Zero);
        _options = options ?? new FleetHealthOptions();
        _options.Validate();
        _metrics = [.. metrics];
        _cycleInterval = cycleInterval;
        _peerMedian = new double[_metrics.Length];
    }

    /// <summary>The metrics, in reading order.</summary>
    public IReadOnlyList<HealthMetric> Metrics => _metrics;

    /// <summary>The settings.</summary>
    public FleetHealthOptions Options => _options;

    /// <summary>Times the forest was grown; 0 while the fleet's healthy history is still being collected.</summary>
    public int Trainings { get; private set; }

    /// <summary>The current alarm threshold on forest scores (NaN before the first forest).</summary>
    public double Threshold => _threshold;

    /// <summary>Healthy feature vectors held for the next training.</summary>
    public int TrainingVectors => _training.Count;

    /// <summary>Nodes tracked.</summary>
    public IEnumerable<string> Nodes => _nodes.Keys;

    /// <summary>The latest verdict on <paramref name="node"/>, or null for a node never seen.</summary>
    public NodeHealth? Latest(string node) => _nodes.TryGetValue(node, out var track) ? track.Latest : null;

    /// <summary>Stops tracking a node (it left the cluster).</summary>
    public void Forget(string node) => _nodes.Remove(node);

    /// <summary>Every node's baseline, for a restarted detector to carry on from (nodes with none learnt yet are left out).</summary>
    public IReadOnlyList<NodeBaseline> Baselines()
    {
        var names = _metrics.Select(static m => m.Name).ToArray();
        var baselines = new List<NodeBaseline>(_nodes.Count);
        foreach (var track in _nodes.Values)
        {
            if (track.Baseline(names, _options) is { } baseline)
            {
                baselines.Add(baseline);
            }
        }

        return baselines;
    }

    /// <summary>
    /// Judges <paramref name="baseline"/>'s node against a baseline saved by an earlier detector until it has learnt
    /// its own from fresh healthy readings (metric by metric). A baseline of other metrics, or with a value that is
    /// not a finite number, is refused: the node then learns from scratch, as it would without one.
    /// </summary>
    /// <returns>Whether the baseline was taken.</returns>
    public bool RestoreBaseline(NodeBaseline baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseline.Node);
        if (baseline.Metrics is null || baseline.Center is null || baseline.Scale is null
            || baseline.Metrics.Count != _metrics.Length || baseline.Center.Count != _metrics.Length || baseline.Scale.Count != _metrics.Length
            || !_metrics.Select(static m => m.Name).SequenceEqual(baseline.Metrics, StringComparer.Ordinal)
            || baseline.Center.Any(static c => double.IsInfinity(c)) || baseline.Scale.Any(static s => double.IsInfinity(s) || s <= 0))
        {
            return false;
        }

        return Track(baseline.Node).RestoreBaseline(baseline, _metrics, _options);
    }

    /// <summary>
    /// Carries over what a restarted supervisor persisted about a node: its state and its failure count (baselines are
    /// relearnt from its next readings; the node keeps its state meanwhile).
    /// </summary>
    public void Restore(string node, HealthState state, int failures)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(node);
        var track = Track(node);
        track.State = state;
        track.Failures = Math.Max(0, failures);
        track.Latest = new NodeHealth(node, state, state, double.NaN, _threshold, HealthEvidence.None, null, [], track.Failures);
    }

    /// <summary>
    /// Runs one cycle. Nodes tracked but absent from <paramref name="readings"/> are silent this cycle.
    /// </summary>
    /// <param name="readings">This cycle's readings, at most one per node.</param>
    /// <param name="unresponsive">Nodes that did not answer a direct probe since the last cycle.</param>
    /// <returns>A verdict for every tracked node.</returns>
    public IReadOnlyList<NodeHealth> Observe(IReadOnlyList<NodeReading> readings, IReadOnlySet<string>? unresponsive = null)
    {
        ArgumentNullException.ThrowIfNull(readings);
        _cycle++;
        var reported = new Dictionary<string, double[]>(readings.Count, StringComparer.Ordinal);
        foreach (var reading in readings)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(reading.Node);
            if (reading.Values is null || reading.Values.Length != _metrics.Length)
            {
                throw new ArgumentException($"Node {reading.Node}: expected {_metrics.Length} values, got {reading.Values?.Length ?? 0}.", nameof(readings));
            }

            reported[reading.Node] = reading.Values;
            Track(reading.Node);
        }

        // Deviations from each node's own baseline, then the peers' median of them.
        foreach (var (node, track) in _nodes)
        {
            track.Deviations = reported.TryGetValue(node, out var values) ? track.Deviate(values, _options) : null;
        }

        ComputePeerMedians();

        var verdicts = new List<NodeHealth>(_nodes.Count);
        foreach (var (node, track) in _nodes)
        {
            reported.TryGetValue(node, out var values);
            var verdict = Judge(track, values, unresponsive?.Contains(node) == true);
            track.Latest = verdict;
            verdicts.Add(verdict);
        }

        if (_forest is null ? _training.Count >= _options.MinimumTraining : _cycle - _trainedAtCycle >= _options.RetrainEvery)
        {
            Train();
        }

        return verdicts;
    }

    private NodeTrack Track(string node)
    {
        if (!_nodes.TryGetValue(node, out var track))
        {
            track = new NodeTrack(node, _metrics, _options);
            _nodes[node] = track;
        }

        return track;
    }

    private void ComputePeerMedians()
    {
        var healthy = new List<double>(_nodes.Count);
        var all = new List<double>(_nodes.Count);
        for (var m = 0; m < _metrics.Length; m++)
        {
            healthy.Clear();
            all.Clear();
            if (_metrics[m].PeerRelative)
            {
                foreach (var track in _nodes.Values)
                {
                    if (track.Deviations is { } deviations && double.IsFinite(deviations[m]))
                    {
                        all.Add(deviations[m]);

                        // A Failing node is not a peer: it would drag the median towards itself.
                        if (track.State != HealthState.Failing)
                        {
                            healthy.Add(deviations[m]);
                        }
                    }
                }
            }

            // Too few healthy peers (most nodes failing at once): compare with everyone rather than with nobody, or
            // the load the failing nodes shed onto the last healthy ones would look like their own degradation.
            _peerMedian[m] = healthy.Count >= MinimumPeers ? Descriptive.Median(healthy.ToArray())
                : all.Count >= MinimumPeers ? Descriptive.Median(all.ToArray())
                : 0;
        }
    }

    private NodeHealth Judge(NodeTrack track, double[]? values, bool unresponsive)
    {
        var previous = track.State;
        var evidence = HealthEvidence.None;
        var score = double.NaN;
        double[]? features = null;
        TimeSpan? timeToLimit = null;

        if (values is null)
        {
            track.SilentCycles++;
            if (track.SilentCycles >= _options.SilentCycles)
            {
                evidence |= HealthEvidence.Silent;
            }
        }
        else
        {
            track.SilentCycles = 0;
            features = track.Features(_peerMedian, _metrics);
            if (_forest is not null && features is not null)
            {
                score = _forest.Score(features);
                if (score >= _threshold && features.Any(f => f >= _options.MinimumAnomalyDeviation))
                {
                    evidence |= HealthEvidence.Anomalous;
                }
            }

            if (features is not null && features.Any(f => f >= _options.ExtremeDeviation))
            {
                evidence |= HealthEvidence.Extreme;
            }

            timeToLimit = track.TimeToLimit(values, _metrics, _cycleInterval);
            if (timeToLimit is { } eta && eta <= _options.ExhaustionHorizon)
            {
                evidence |= HealthEvidence.Exhaustion;
            }
        }

        if (unresponsive)
        {
            evidence |= HealthEvidence.Unresponsive;
        }

        var suspectNow = track.RecordEvidence(evidence != HealthEvidence.None) >= _options.SuspectCount
            || (evidence & (HealthEvidence.Exhaustion | HealthEvidence.Silent | HealthEvidence.Unresponsive)) != 0;
        var severe = unresponsive || (timeToLimit is { } limit && limit <= _options.FailingExhaustionHorizon);
        var unmeasuredOnly = features is not null
            && (evidence & ~(HealthEvidence.Anomalous | HealthEvidence.Extreme)) == HealthEvidence.None
            && track.OnlyHeldAtOrAbove(features, _options.MinimumAnomalyDeviation);
        var (release, releaseAfterCycles) = track.Advance(evidence, unmeasuredOnly, suspectNow, severe, _options);

        // Learn only from what is plainly healthy.
        if (values is not null && track.State == HealthState.Healthy && previous == HealthState.Healthy && evidence == HealthEvidence.None)
        {
            track.LearnBaseline(values, _metrics, _options);
            if (features is not null)
            {
                _training.Enqueue(features);
                while (_training.Count > _options.TrainingWindow)
                {
                    _training.Dequeue();
                }
            }
        }

        var top = track.State != HealthState.Healthy || evidence != HealthEvidence.None
            ? Explain(track, values, features, evidence, timeToLimit)
            : [];
        return new NodeHealth(track.Node, track.State, previous, score, _threshold, evidence, timeToLimit, top, track.Failures, release, releaseAfterCycles);
    }

    private List<HealthContribution> Explain(NodeTrack track, double[]? values, double[]? features, HealthEvidence evidence, TimeSpan? timeToLimit)
    {
        var top = new List<HealthContribution>();
        if (evidence.HasFlag(HealthEvidence.Silent))
        {
            top.Add(new HealthContribution("readings.silent", track.SilentCycles, double.NaN, 1));
        }

        if (evidence.HasFlag(HealthEvidence.Exhaustion) && timeToLimit is { } eta && track.LimitedMetric is { } limited)
        {
            top.Add(new HealthContribution($"{_metrics[limited].Name}.time-to-limit", eta.TotalSeconds, double.NaN, 1));
        }

        if (features is not null && values is not null)
        {
            // The forest's shares when it exists; the features furthest out first when they are extreme or there is no forest.
            var shares = _forest?.Contributions(features) ?? new double[features.Length];
            var smoothed = track.SmoothedDeviations();
            var byExtremity = evidence.HasFlag(HealthEvidence.Extreme) || _forest is null;
            foreach (var m in Enumerable.Range(0, _metrics.Length).OrderByDescending(m => byExtremity ? features[m] : shares[m]).ThenByDescending(m => features[m]))
            {
                if (top.Count >= _options.TopFeatures)
                {
                    break;
                }

                if (shares[m] > 0 || features[m] > 0)
                {
                    top.Add(new HealthContribution(_metrics[m].Name, values[m], smoothed[m], shares[m]));
                }
            }
        }

        return top.Count > _options.TopFeatures ? top.GetRange(0, _options.TopFeatures) : top;
    }

    private void Train()
    {
        _trainedAtCycle = _cycle;
        if (_training.Count < _options.MinimumTraining)
        {
            return;
        }

        var data = _training.ToList();
        var forest = IsolationForest.Fit(data, _options.Forest with { Seed = unchecked(_options.Forest.Seed * 7919 + Trainings) });
        var scores = new double[data.Count];
        for (var i = 0; i < data.Count; i++)
        {
            scores[i] = forest.Score(data[i]);
        }

        _threshold = Descriptive.Quantile(scores, _options.ThresholdQuantile) + _options.ThresholdMargin;
        _forest = forest;
        Trainings++;
    }

    /// <summary>Everything the detector knows about one node.</summary>
    private sealed class NodeTrack
    {
        private readonly RollingWindow[] _baseline;
        private readonly double[] _center;
        private readonly double[] _scale;

        // Per metric: the center and scale were restored from a saved baseline and not yet replaced by a learnt one.
        private readonly bool[] _restored;
        private readonly RollingWindow[] _smooth;
        private readonly RollingWindow?[] _limited;
        private readonly bool[] _recent;
        private int _recentNext;
        private int _recentCount;
        private int _sinceRefresh = BaselineRefreshEvery;
        private int _suspectStreak;
        private int _calmStreak;

        // Failing: cycles in a row whose only evidence, if any, rested on metrics held because they were not measured.
        private int _probationStreak;

        // Per metric: this cycle's feature is a held deviation, not a measurement.
        private readonly bool[] _held;

        public NodeTrack(string node, HealthMetric[] metrics, FleetHealthOptions options)
        {
            Node = node;
            _baseline = metrics.Select(_ => new RollingWindow(options.BaselineWindow)).ToArray();
            _center = new double[metrics.Length];
            _scale = new double[metrics.Length];
            _restored = new bool[metrics.Length];
            _held = new bool[metrics.Length];
            _smooth = metrics.Select(_ => new RollingWindow(options.SmoothingWindow)).ToArray();
            _limited = metrics.Select(m => m.Limit is null ? null : new RollingWindow(options.ExhaustionWindow)).ToArray();
            _recent = new bool[options.SuspectWindow];
            Latest = new NodeHealth(node, HealthState.Healthy, HealthState.Healthy, double.NaN, double.NaN, HealthEvidence.None, null, [], 0);
        }

        public string Node { get; }

        public HealthState State { get; set; }

        public int Failures { get; set; }

        public int SilentCycles { get; set; }

        public NodeHealth Latest { get; set; }

        /// <summary>This cycle's deviations from the node's baseline (NaN per missing metric), or null without a reading or baseline.</summary>
        public double[]? Deviations { get; set; }

        /// <summary>The limited metric that set the last time to limit.</summary>
        public int? LimitedMetric { get; private set; }

        /// <summary>Whether metric <paramref name="m"/> has a baseline: learnt from enough readings, or restored.</summary>
        private bool HasBaseline(int m, FleetHealthOptions options) => _baseline[m].Count >= options.MinimumBaseline || _restored[m];

        public double[]? Deviate(double[] values, FleetHealthOptions options)
        {
            if (!Enumerable.Range(0, values.Length).Any(m => HasBaseline(m, options)))
            {
                return null;
            }

            var deviations = new double[values.Length];
            for (var m = 0; m < values.Length; m++)
            {
                deviations[m] = double.IsFinite(values[m]) && HasBaseline(m, options)
                    ? (values[m] - _center[m]) / _scale[m]
                    : double.NaN;
            }

            return deviations;
        }

        /// <summary>Smoothed, peer-relative, one-sided deviations; null until the baseline is ready.</summary>
        public double[]? Features(double[] peerMedian, HealthMetric[] metrics)
        {
            if (Deviations is not { } deviations)
            {
                return null;
            }

            var features = new double[metrics.Length];
            for (var m = 0; m < metrics.Length; m++)
            {
                // A missing reading counts as neutral (an idle node has no latency, which is no evidence), unless
                // the metric holds (an idle node is no faster than it was) or the node is Failing: its work was moved
                // away because of what it showed, and it must not look recovered because nothing is measured.
                var hold = (metrics[m].HoldWhenMissing || State == HealthState.Failing) && _smooth[m].Count > 0;
                _held[m] = !double.IsFinite(deviations[m]) && hold;
                var relative = double.IsFinite(deviations[m]) ? deviations[m] - peerMedian[m]
                    : hold ? _smooth[m][0]
                    : 0;
                _smooth[m].Add(relative);
                var smoothed = Median(_smooth[m]);
                features[m] = metrics[m].Direction switch
                {
                    MetricDirection.HigherIsWorse => Math.Max(0, smoothed),
                    MetricDirection.LowerIsWorse => Math.Max(0, -smoothed),
                    _ => Math.Abs(smoothed),
                };
            }

            return features;
        }

        /// <summary>Whether some feature is at least <paramref name="minimum"/> and every such feature is held, not measured.</summary>
        public bool OnlyHeldAtOrAbove(double[] features, double minimum)
        {
            var any = false;
            for (var m = 0; m < features.Length; m++)
            {
                if (features[m] >= minimum)
                {
                    if (!_held[m])
                    {
                        return false;
                    }

                    any = true;
                }
            }

            return any;
        }

        public double[] SmoothedDeviations() => _smooth.Select(static s => s.Count == 0 ? double.NaN : Median(s)).ToArray();

        /// <summary>The median of a short window: a blip shorter than half the window does not move it.</summary>
        private static double Median(RollingWindow window)
        {
            Span<double> held = stackalloc double[window.Count];
            for (var i = 0; i < held.Length; i++)
            {
                held[i] = window[i];
            }

            held.Sort();
            var middle = held.Length / 2;
            return held.Length % 2 == 1 ? held[middle] : (held[middle - 1] + held[middle]) / 2;
        }

        public TimeSpan? TimeToLimit(double[] values, HealthMetric[] metrics, TimeSpan interval)
        {
            TimeSpan? soonest = null;
            LimitedMetric = null;
            for (var m = 0; m < metrics.Length; m++)
            {
                if (_limited[m] is not { } window || metrics[m].Limit is not { } limit)
                {
                    continue;
                }

                if (double.IsFinite(values[m]))
                {
                    window.Add(values[m]);
                }

                if (!window.IsFull)
                {
                    continue;
                }

                var history = new double[window.Count];
                for (var i = 0; i < history.Length; i++)
                {
                    history[i] = window[history.Length - 1 - i];
                }

                if (ResourceExhaustion.TimeUntilExhausted(history, interval, limit) is { } eta && (soonest is null || eta < soonest))
                {
                    soonest = eta;
                    LimitedMetric = m;
                }
            }

            return soonest;
        }

        /// <summary>Adds this cycle's evidence to the k-of-n window; returns how many of the last n had evidence.</summary>
        public int RecordEvidence(bool evidence)
        {
            if (_recent[_recentNext])
            {
                _recentCount--;
            }

            _recent[_recentNext] = evidence;
            if (evidence)
            {
                _recentCount++;
            }

            _recentNext = (_recentNext + 1) % _recent.Length;
            return _recentCount;
        }

        /// <summary>Moves the node's state on by one cycle; returns how it was released from Failing, if it was.</summary>
        public (HealthRelease Release, int AfterCycles) Advance(HealthEvidence evidence, bool unmeasuredOnly, bool suspectNow, bool severe, FleetHealthOptions options)
        {
            _calmStreak = evidence == HealthEvidence.None ? _calmStreak + 1 : 0;
            _probationStreak = evidence == HealthEvidence.None || unmeasuredOnly ? _probationStreak + 1 : 0;
            switch (State)
            {
                case HealthState.Healthy when severe:
                    EnterFailing();
                    break;
                case HealthState.Healthy when suspectNow:
                    State = HealthState.Suspect;
                    _suspectStreak = 1;
                    break;
                case HealthState.Suspect when severe:
                    EnterFailing();
                    break;
                case HealthState.Suspect:
                    _suspectStreak = suspectNow ? _suspectStreak + 1 : 0;
                    if (_suspectStreak >= options.FailingCycles && evidence != HealthEvidence.None)
                    {
                        EnterFailing();
                    }
                    else if (_calmStreak >= options.ClearCycles)
                    {
                        ToHealthy();
                    }

                    break;
                case HealthState.Failing:
                    var release = (int)Math.Min(options.MaxReleaseCycles, (long)options.ReleaseCycles << Math.Min(20, Math.Max(0, Failures - 1)));
                    if (_calmStreak >= release)
                    {
                        var calm = _calmStreak;
                        ToHealthy();
                        return (HealthRelease.Recovered, calm);
                    }

                    if (_probationStreak >= (long)release * options.UnmeasuredReleaseFactor)
                    {
                        var probation = _probationStreak;
                        ToHealthy();
                        return (HealthRelease.Probation, probation);
                    }

                    break;
            }

            return (HealthRelease.None, 0);
        }

        public void LearnBaseline(double[] values, HealthMetric[] metrics, FleetHealthOptions options)
        {
            for (var m = 0; m < values.Length; m++)
            {
                if (double.IsFinite(values[m]))
                {
                    _baseline[m].Add(values[m]);
                }
            }

            // Refresh often while the baseline is young, then every few readings.
            if (++_sinceRefresh >= BaselineRefreshEvery || _baseline.Any(b => b.Count <= options.MinimumBaseline))
            {
                _sinceRefresh = 0;
                for (var m = 0; m < values.Length; m++)
                {
                    var window = _baseline[m];
                    if (window.Count == 0 || (_restored[m] && window.Count < options.MinimumBaseline))
                    {
                        // A restored baseline stands until enough fresh readings replace it.
                        continue;
                    }

                    _restored[m] = false;

                    var held = new double[window.Count];
                    for (var i = 0; i < held.Length; i++)
                    {
                        held[i] = window[i];
                    }

                    var center = Descriptive.Median(held);
                    var spread = Descriptive.MadSigma(held);
                    _center[m] = center;
                    _scale[m] = Math.Max(Math.Max(double.IsFinite(spread) ? spread : 0, metrics[m].AbsoluteFloor), metrics[m].RelativeFloor * Math.Abs(center));
                }
            }
        }

        public NodeBaseline? Baseline(string[] names, FleetHealthOptions options)
        {
            var center = new double[names.Length];
            var scale = new double[names.Length];
            var any = false;
            for (var m = 0; m < names.Length; m++)
            {
                var has = HasBaseline(m, options);
                any |= has;
                center[m] = has ? _center[m] : double.NaN;
                scale[m] = has ? _scale[m] : double.NaN;
            }

            return any ? new NodeBaseline(Node, names, center, scale) : null;
        }

        public bool RestoreBaseline(NodeBaseline baseline, HealthMetric[] metrics, FleetHealthOptions options)
        {
            var taken = false;
            for (var m = 0; m < metrics.Length; m++)
            {
                // NaN: the earlier detector had not learnt this metric; a fresher learnt baseline is kept.
                if (double.IsNaN(baseline.Center[m]) || double.IsNaN(baseline.Scale[m]) || _baseline[m].Count >= options.MinimumBaseline)
                {
                    continue;
                }

                _center[m] = baseline.Center[m];
                _scale[m] = Math.Max(Math.Max(baseline.Scale[m], metrics[m].AbsoluteFloor), metrics[m].RelativeFloor * Math.Abs(baseline.Center[m]));
                _restored[m] = true;
                taken = true;
            }

            return taken;
        }

        private void EnterFailing()
        {
            State = HealthState.Failing;
            Failures++;
            _suspectStreak = 0;
            _calmStreak = 0;
            _probationStreak = 0;
        }

        private void ToHealthy()
        {
            State = HealthState.Healthy;
            _suspectStreak = 0;
            _calmStreak = 0;
            _probationStreak = 0;
            Array.Clear(_recent);
            _recentCount = 0;
            foreach (var smooth in _smooth)
            {
                smooth.Clear();
            }
        }
    }
}
