namespace Orleans.Adaptive.Learning.Placement;

/// <summary>
/// Plans partition migrations from silos predicted to run hot to silos with headroom, and off silos that are
/// draining or quarantined, with as few moves as it can.
/// </summary>
/// <remarks>
/// <para>
/// Each cycle it takes predicted loads (not current ones, so it acts before the peak) and computes the balanced
/// utilization <c>U = Σ load ÷ Σ capacity of active silos</c>. A silo is hot once its predicted utilization has
/// exceeded <c>U·(1 + ImbalanceThreshold)</c> for <see cref="RebalanceOptions.HotCycles"/> cycles in a row and
/// stays hot until it falls to <c>U·(1 + ReleaseThreshold)</c>: that band, and the streak, are the hysteresis that
/// keeps noise from moving anything.
/// </para>
/// <para>
/// For each source, hottest first, until it is down to <c>U</c>: it pairs the source with the least utilized
/// active silo and moves the partition that leaves the lower peak utilization of the two (the best moves are near
/// the load that equalises them, so a partition larger than any silo's spare room still moves when that helps, and
/// big moves first keep the moves few), as long as the peak falls by at least
/// <see cref="RebalanceOptions.MinimumGain"/> (the move cost: never move for nothing, never turn the target into a
/// hotter spot than the source was). Draining and quarantined silos are emptied instead onto the silos with the
/// most room below a ceiling. Partitions moved within <see cref="RebalanceOptions.PartitionCooldown"/> stay put, and
/// the whole plan stops at <see cref="RebalanceOptions.MaxMovesPerCycle"/>.
/// </para>
/// <para>
/// Because every accepted move strictly lowers the pair's peak, repeated cycles on steady loads converge: they stop
/// moving once no silo is above the threshold or no move helps (tested with random clusters).
/// </para>
/// <para>
/// Stateful (hot streaks, cool-downs) and not thread-safe: one supervisor owns it. Cost is linear in the number of
/// partitions plus budget × silos, so a cycle of 1,000 silos and 100,000 partitions takes milliseconds
/// (<c>bench/Scale</c>).
/// </para>
/// </remarks>
public sealed class RebalancePlanner
{
    private readonly RebalanceOptions _options;
    private readonly Dictionary<string, int> _hotStreaks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastMoved = new(StringComparer.Ordinal);

    /// <summary>Creates a planner with no history.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public RebalancePlanner(RebalanceOptions? options = null)
    {
        _options = options ?? new RebalanceOptions();
        _options.Validate();
    }

    /// <summary>The settings.</summary>
    public RebalanceOptions Options => _options;

    /// <summary>When each partition still cooling down was last moved.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> LastMoved => _lastMoved;

    /// <summary>Restores cool-downs saved from <see cref="LastMoved"/> (after the supervisor restarts).</summary>
    public void RestoreLastMoved(IEnumerable<KeyValuePair<string, DateTimeOffset>> lastMoved)
    {
        ArgumentNullException.ThrowIfNull(lastMoved);
        foreach (var (partition, at) in lastMoved)
        {
            _lastMoved[partition] = at;
        }
    }

    /// <summary>Records that <paramref name="partition"/> moved at <paramref name="at"/> (by anyone), starting its cool-down.</summary>
    public void RecordMove(string partition, DateTimeOffset at) => _lastMoved[partition] = at;

    /// <summary>Plans this cycle's moves and records them as made (their cool-down starts now).</summary>
    /// <param name="now">The time of the cycle.</param>
    /// <param name="silos">Every silo known, with its predicted load.</param>
    /// <param name="partitions">Every movable partition, with its silo and predicted load.</param>
    /// <param name="budget">
    /// Most moves this cycle, if fewer than <see cref="RebalanceOptions.MaxMovesPerCycle"/> (for instance when moves
    /// of earlier cycles are still under way).
    /// </param>
    public RebalancePlan Plan(DateTimeOffset now, IReadOnlyList<SiloLoadInput> silos, IReadOnlyList<PartitionLoadInput> partitions, int? budget = null)
    {
        ArgumentNullException.ThrowIfNull(silos);
        ArgumentNullException.ThrowIfNull(partitions);
        ExpireCooldowns(now);

        var count = silos.Count;
        var load = new double[count];
        var capacity = new double[count];
        double totalLoad = 0, activeCapacity = 0;
        for (var i = 0; i < count; i++)
        {
            var silo = silos[i];
            if (!double.IsFinite(silo.Capacity) || silo.Capacity <= 0)
            {
                throw new ArgumentException($"Silo {silo.Silo} has capacity {silo.Capacity}; it must be a finite number greater than zero.", nameof(silos));
            }

            load[i] = double.IsFinite(silo.PredictedLoad) ? Math.Max(0, silo.PredictedLoad) : 0;
            capacity[i] = silo.Capacity;
            totalLoad += load[i];
            if (silo.Role == SiloRole.Active)
            {
                activeCapacity += silo.Capacity;
            }
        }

        if (activeCapacity <= 0)
        {
            return RebalancePlan.Empty;
        }

        var balanced = totalLoad / activeCapacity;
        var hot = UpdateHotStreaks(silos, load, capacity, balanced);
        var imbalanceBefore = Imbalance(silos, load, capacity, balanced);

        var sources = new List<int>();
        for (var i = 0; i < count; i++)
        {
            if (silos[i].Role != SiloRole.Active || hot[i])
            {
                sources.Add(i);
            }
        }

        var maxMoves = Math.Max(0, Math.Min(budget ?? int.MaxValue, _options.MaxMovesPerCycle));
        if (sources.Count == 0 || maxMoves == 0)
        {
            return new RebalancePlan([], balanced, imbalanceBefore, imbalanceBefore, HotNames(silos, hot), 0);
        }

        // Evacuations first (they are not optional), then the hottest silo.
        sources.Sort((x, y) =>
        {
            var evacuateX = silos[x].Role != SiloRole.Active;
            var evacuateY = silos[y].Role != SiloRole.Active;
            return evacuateX != evacuateY ? (evacuateX ? -1 : 1) : (load[y] / capacity[y]).CompareTo(load[x] / capacity[x]);
        });

        var onSource = BucketBySource(partitions, sources, count);
        var moves = new List<PlannedMove>();
        var coolingDown = 0;
        foreach (var source in sources)
        {
            if (moves.Count >= maxMoves)
            {
                break;
            }

            coolingDown += MoveOff(now, source, silos, onSource[source]!, load, capacity, hot, balanced, maxMoves, moves);
        }

        return new RebalancePlan(moves, balanced, imbalanceBefore, Imbalance(silos, load, capacity, balanced), HotNames(silos, hot), coolingDown);
    }

    /// <summary>Plans moves off one source until it is balanced, nothing fits, or the budget is spent.</summary>
    /// <returns>How many of its partitions were skipped because they are cooling down.</returns>
    private int MoveOff(
        DateTimeOffset now,
        int source,
        IReadOnlyList<SiloLoadInput> silos,
        List<PartitionLoadInput> partitions,
        double[] load,
        double[] capacity,
        bool[] hot,
        double balanced,
        int maxMoves,
        List<PlannedMove> moves)
    {
        var role = silos[source].Role;
        var evacuate = role != SiloRole.Active;
        var coolingDown = 0;
        var candidates = new List<PartitionLoadInput>(partitions.Count);
        foreach (var partition in partitions)
        {
            if (!evacuate && _lastMoved.ContainsKey(partition.Partition))
            {
                coolingDown++;
                continue;
            }

            candidates.Add(partition);
        }

        candidates.Sort(static (x, y) => y.PredictedLoad.CompareTo(x.PredictedLoad));
        var receiveUpTo = evacuate
            ? Math.Max(balanced * (1 + _options.ReleaseThreshold), _options.DrainTargetUtilization)
            : balanced * (1 + _options.ReleaseThreshold);

        while (moves.Count < maxMoves && candidates.Count > 0)
        {
            var excess = load[source] - balanced * capacity[source];
            if (!evacuate && excess <= 0)
            {
                break;
            }

            // Draining or quarantined: fill the roomiest silos up to a ceiling. Hot: pair with the least utilised
            // silo and move the partition that lowers the pair's peak utilisation most, so the cluster's peak only
            // falls, even when a single hot partition is larger than any silo's spare room.
            int target;
            double room;
            if (evacuate)
            {
                target = RoomiestTarget(silos, load, capacity, hot, source, receiveUpTo, out room);
            }
            else
            {
                target = LeastUtilizedTarget(silos, load, capacity, hot, source);
                room = 0;
            }

            if (target < 0)
            {
                break;
            }

            var chosen = evacuate ? LargestAtMost(candidates, Math.Max(room, 0)) : ChooseForHot(candidates, load, capacity, source, target);
            if (chosen < 0)
            {
                break;
            }

            var partition = candidates[chosen];
            var fromBefore = load[source] / capacity[source];
            var toBefore = load[target] / capacity[target];
            var fromAfter = (load[source] - partition.PredictedLoad) / capacity[source];
            var toAfter = (load[target] + partition.PredictedLoad) / capacity[target];
            if (!evacuate && Math.Max(fromBefore, toBefore) - Math.Max(fromAfter, toAfter) < _options.MinimumGain)
            {
                break;
            }

            candidates.RemoveAt(chosen);
            load[source] -= partition.PredictedLoad;
            load[target] += partition.PredictedLoad;
            _lastMoved[partition.Partition] = now;
            var reason = role switch
            {
                SiloRole.Draining => MoveReason.Draining,
                SiloRole.Quarantined => MoveReason.Quarantined,
                _ => MoveReason.HotSilo,
            };
            moves.Add(new PlannedMove(
                partition.Partition,
                silos[source].Silo,
                silos[target].Silo,
                reason,
                partition.PredictedLoad,
                fromBefore,
                fromAfter,
                toBefore,
                toAfter,
                balanced));
        }

        return coolingDown;
    }

    /// <summary>The active, non-hot silo with the most room below <paramref name="receiveUpTo"/>, or -1.</summary>
    private static int RoomiestTarget(IReadOnlyList<SiloLoadInput> silos, double[] load, double[] capacity, bool[] hot, int source, double receiveUpTo, out double room)
    {
        var best = -1;
        room = double.NegativeInfinity;
        for (var i = 0; i < silos.Count; i++)
        {
            if (i == source || hot[i] || silos[i].Role != SiloRole.Active)
            {
                continue;
            }

            var candidateRoom = receiveUpTo * capacity[i] - load[i];
            if (candidateRoom > room)
            {
                best = i;
                room = candidateRoom;
            }
        }

        return best;
    }

    /// <summary>
    /// For a hot source paired with <paramref name="target"/>: the partition whose move leaves the lower peak
    /// utilisation of the two silos (the larger one on ties, for fewer moves), or -1 when no move lowers it.
    /// The best moves sit near the equalising load (u_s − u_t) ÷ (1/c_s + 1/c_t); a single partition larger than any
    /// silo's spare room still moves when the pair's peak falls.
    /// </summary>
    private static int ChooseForHot(List<PartitionLoadInput> sorted, double[] load, double[] capacity, int source, int target)
    {
        var peakBefore = load[source] / capacity[source];
        var best = -1;
        var bestPeak = peakBefore;
        for (var i = 0; i < sorted.Count; i++)
        {
            var partitionLoad = sorted[i].PredictedLoad;
            if (partitionLoad <= 0)
            {
                break; // sorted descending: the rest carry no load, moving them gains nothing
            }

            var peak = Math.Max((load[source] - partitionLoad) / capacity[source], (load[target] + partitionLoad) / capacity[target]);
            if (peak < bestPeak)
            {
                best = i;
                bestPeak = peak;
            }
        }

        return best;
    }

    /// <summary>The active, non-hot silo with the lowest utilisation, or -1.</summary>
    private static int LeastUtilizedTarget(IReadOnlyList<SiloLoadInput> silos, double[] load, double[] capacity, bool[] hot, int source)
    {
        var best = -1;
        var lowest = double.PositiveInfinity;
        for (var i = 0; i < silos.Count; i++)
        {
            if (i == source || hot[i] || silos[i].Role != SiloRole.Active)
            {
                continue;
            }

            var utilization = load[i] / capacity[i];
            if (utilization < lowest)
            {
                best = i;
                lowest = utilization;
            }
        }

        return best;
    }


    /// <summary>The largest partition with a load of at most <paramref name="room"/> (zero-load ones always fit), or -1.</summary>
    private static int LargestAtMost(List<PartitionLoadInput> sorted, double room)
    {
        for (var i = 0; i < sorted.Count; i++)
        {
            if (sorted[i].PredictedLoad <= room)
            {
                return i;
            }
        }

        return -1;
    }

    private bool[] UpdateHotStreaks(IReadOnlyList<SiloLoadInput> silos, double[] load, double[] capacity, double balanced)
    {
        var hot = new bool[silos.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < silos.Count; i++)
        {
            var name = silos[i].Silo;
            seen.Add(name);
            if (silos[i].Role != SiloRole.Active)
            {
                _hotStreaks.Remove(name);
                continue;
            }

            var utilization = load[i] / capacity[i];
            var streak = _hotStreaks.GetValueOrDefault(name);
            if (balanced > 0 && utilization > balanced * (1 + _options.ImbalanceThreshold))
            {
                streak++;
            }
            else if (utilization <= balanced * (1 + _options.ReleaseThreshold))
            {
                streak = 0;
            }
            else if (streak < _options.HotCycles)
            {
                // In the band but not hot yet: the streak must be unbroken above the threshold.
                streak = 0;
            }

            _hotStreaks[name] = streak;
            hot[i] = streak >= _options.HotCycles;
        }

        if (_hotStreaks.Count > seen.Count)
        {
            foreach (var name in _hotStreaks.Keys.Where(name => !seen.Contains(name)).ToList())
            {
                _hotStreaks.Remove(name);
            }
        }

        return hot;
    }

    private static List<PartitionLoadInput>?[] BucketBySource(IReadOnlyList<PartitionLoadInput> partitions, List<int> sources, int siloCount)
    {
        var buckets = new List<PartitionLoadInput>?[siloCount];
        foreach (var source in sources)
        {
            buckets[source] = [];
        }

        foreach (var partition in partitions)
        {
            if ((uint)partition.SiloIndex < (uint)siloCount && buckets[partition.SiloIndex] is { } bucket)
            {
                bucket.Add(partition with { PredictedLoad = double.IsFinite(partition.PredictedLoad) ? Math.Max(0, partition.PredictedLoad) : 0 });
            }
        }

        return buckets;
    }

    private void ExpireCooldowns(DateTimeOffset now)
    {
        if (_lastMoved.Count == 0)
        {
            return;
        }

        var expired = new List<string>();
        foreach (var (partition, at) in _lastMoved)
        {
            if (now - at >= _options.PartitionCooldown)
            {
                expired.Add(partition);
            }
        }

        foreach (var partition in expired)
        {
            _lastMoved.Remove(partition);
        }
    }

    private static double Imbalance(IReadOnlyList<SiloLoadInput> silos, double[] load, double[] capacity, double balanced)
    {
        if (balanced <= 0)
        {
            return 1;
        }

        var highest = 0.0;
        for (var i = 0; i < silos.Count; i++)
        {
            if (silos[i].Role == SiloRole.Active)
            {
                highest = Math.Max(highest, load[i] / capacity[i]);
            }
        }

        return highest / balanced;
    }

    private static string[] HotNames(IReadOnlyList<SiloLoadInput> silos, bool[] hot)
    {
        var names = new List<string>();
        for (var i = 0; i < hot.Length; i++)
        {
            if (hot[i])
            {
                names.Add(silos[i].Silo);
            }
        }

        return [.. names];
    }
}
