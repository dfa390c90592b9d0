namespace Orleans.Adaptive.Learning.Evaluation;

/// <summary>A NAB application profile: how much a true positive earns and a false positive or a missed window costs.</summary>
public sealed record NabProfile(string Name, double TruePositiveWeight, double FalsePositiveWeight, double FalseNegativeWeight)
{
    /// <summary>NAB's standard profile.</summary>
    public static readonly NabProfile Standard = new("standard", 1.0, 0.11, 1.0);

    /// <summary>Penalises false positives twice as much.</summary>
    public static readonly NabProfile RewardLowFalsePositives = new("reward_low_FP_rate", 1.0, 0.22, 1.0);

    /// <summary>Penalises missed windows twice as much.</summary>
    public static readonly NabProfile RewardLowFalseNegatives = new("reward_low_FN_rate", 1.0, 0.11, 2.0);

    /// <summary>The three profiles of NAB's <c>config/profiles.json</c>.</summary>
    public static readonly IReadOnlyList<NabProfile> All = [Standard, RewardLowFalsePositives, RewardLowFalseNegatives];
}

/// <summary>How one file scored under one profile.</summary>
/// <param name="Score">The raw NAB score: Σ window rewards and penalties + Σ false-positive penalties.</param>
/// <param name="Windows">Scorable windows (those not inside the probationary period).</param>
/// <param name="DetectedWindows">Windows with at least one detection.</param>
/// <param name="FalsePositiveRows">Detected rows outside every window (after the probationary period).</param>
public sealed record NabFileScore(double Score, int Windows, int DetectedWindows, int FalsePositiveRows);

/// <summary>
/// The Numenta Anomaly Benchmark scorer (Lavin and Ahmad 2015; Ahmad et al. 2017), ported from NAB's
/// <c>nab/sweeper.py</c> so that scores are comparable with its published ones.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>The first 15% of a file's rows (at most 750) are probationary: detections there are ignored.</item>
/// <item>A detection is a row whose anomaly score is at or above the threshold.</item>
/// <item>A window earns the best reward among its detections, <c>tp·σ̃(position)/σ̃(−1)</c>, where the position
/// runs from −1 at the window's left edge to 0 at its right edge and σ̃(x) = 2/(1+e^{5x}) − 1: earlier is better.
/// A window without detections costs <c>fn</c>.</item>
/// <item>A detection outside every window costs <c>fp·σ̃(distance past the previous window, in window widths)</c>
/// (a negative number approaching −fp), or −fp when no window precedes it.</item>
/// <item>Corpus scores are normalised: 100·(S − S_null)/(S_perfect − S_null), where the null detector never fires
/// (S_null = −fn per window) and the perfect one fires once at the start of every window (S_perfect = tp per window).</item>
/// </list>
/// </remarks>
public static class NabScorer
{
    /// <summary>The share of each file that is probationary.</summary>
    public const double ProbationaryPercent = 0.15;

    /// <summary>σ̃: NAB's scaled sigmoid of a relative position.</summary>
    public static double ScaledSigmoid(double relativePosition)
        => relativePosition >= 3.0 ? -1.0 : 2.0 / (1.0 + Math.Exp(5.0 * relativePosition)) - 1.0;

    /// <summary>The number of probationary rows of a file of <paramref name="rows"/> rows.</summary>
    public static int ProbationaryLength(int rows) => (int)Math.Min(Math.Floor(ProbationaryPercent * rows), ProbationaryPercent * 5000);

    /// <summary>Scores one file.</summary>
    /// <param name="times">Row timestamps, in file order (may repeat).</param>
    /// <param name="detected">Whether each row is a detection.</param>
    /// <param name="windows">The file's anomaly windows, in time order.</param>
    /// <param name="profile">The cost profile.</param>
    public static NabFileScore ScoreFile(IReadOnlyList<DateTime> times, IReadOnlyList<bool> detected, IReadOnlyList<AnomalyWindow> windows, NabProfile profile)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(detected);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(profile);
        if (times.Count != detected.Count)
        {
            throw new ArgumentException("There must be one detection flag per row.", nameof(detected));
        }

        var rows = times.Count;
        var probation = ProbationaryLength(rows);
        var spans = Locate(times, windows);
        var maxTruePositive = ScaledSigmoid(-1.0);

        var windowReward = new double?[spans.Count];
        var scorable = new bool[spans.Count];
        double falsePositives = 0;
        var falsePositiveRows = 0;
        var next = 0;
        int? previousRight = null;
        double previousWidth = 0;
        for (var i = 0; i < rows; i++)
        {
            while (next < spans.Count && spans[next].Right < i)
            {
                previousRight = spans[next].Right;
                previousWidth = spans[next].Right - spans[next].Left + 1;
                next++;
            }

            var inWindow = next < spans.Count && spans[next].Left <= i;
            if (inWindow && i >= probation)
            {
                scorable[next] = true;
            }

            if (i < probation || !detected[i])
            {
                continue;
            }

            if (inWindow)
            {
                var (left, right) = spans[next];
                var width = right - left + 1.0;
                var position = -(right - i + 1.0) / width;
                var reward = ScaledSigmoid(position) * profile.TruePositiveWeight / maxTruePositive;
                windowReward[next] = Math.Max(windowReward[next] ?? double.NegativeInfinity, reward);
            }
            else
            {
                var distance = previousRight is { } edge ? Math.Abs(edge - i) / (previousWidth - 1.0) : 3.0;
                falsePositives += ScaledSigmoid(double.IsFinite(distance) ? distance : 3.0) * profile.FalsePositiveWeight;
                falsePositiveRows++;
            }
        }

        double score = falsePositives;
        var counted = 0;
        var found = 0;
        for (var w = 0; w < spans.Count; w++)
        {
            if (!scorable[w])
            {
                continue;
            }

            counted++;
            if (windowReward[w] is { } reward)
            {
                score += reward;
                found++;
            }
            else
            {
                score -= profile.FalseNegativeWeight;
            }
        }

        return new NabFileScore(score, counted, found, falsePositiveRows);
    }

    /// <summary>Normalises a corpus total to NAB's 0 (null detector) to 100 (perfect detector) scale.</summary>
    public static double Normalize(double totalScore, int totalWindows, NabProfile profile)
    {
        var nullScore = -profile.FalseNegativeWeight * totalWindows;
        var perfectScore = profile.TruePositiveWeight * totalWindows;
        return perfectScore == nullScore ? 0 : 100 * (totalScore - nullScore) / (perfectScore - nullScore);
    }

    /// <summary>
    /// The rows each window covers: from the first row at or after its start to the last row at or before its end,
    /// ending at the first row stamped with the end time when the file repeats timestamps (as NAB's scorer does).
    /// </summary>
    public static List<(int Left, int Right)> Locate(IReadOnlyList<DateTime> times, IReadOnlyList<AnomalyWindow> windows)
    {
        var spans = new List<(int, int)>();
        foreach (var window in windows)
        {
            var left = -1;
            for (var i = 0; i < times.Count; i++)
            {
                if (times[i] >= window.Start)
                {
                    left = i;
                    break;
                }
            }

            if (left < 0 || times[left] > window.End)
            {
                continue; // the window holds no row
            }

            var right = left;
            for (var i = left; i < times.Count; i++)
            {
                if (times[i] > window.End)
                {
                    break;
                }

                right = i;
                if (times[i] == window.End)
                {
                    break;
                }
            }

            spans.Add((left, right));
        }

        return spans;
    }
}
