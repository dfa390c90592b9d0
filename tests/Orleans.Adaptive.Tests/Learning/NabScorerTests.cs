using Orleans.Adaptive.Learning.Evaluation;

namespace Orleans.Adaptive.Tests.Learning;

/// <summary>
/// Hand-computed cases: a 100-row file (15 probationary rows) with one window over rows 40–49 (width 10).
/// σ̃(x) = 2/(1+e^{5x}) − 1, so σ̃(−1) = 0.9866143, σ̃(−0.1) = 0.2449187, σ̃(2/3) = −0.9311098.
/// </summary>
public sealed class NabScorerTests
{
    private static readonly DateTime Start = new(2014, 1, 1);
    private static readonly DateTime[] Times = [.. Enumerable.Range(0, 100).Select(i => Start.AddMinutes(5 * i))];
    private static readonly AnomalyWindow[] Window = [new(Times[40], Times[49])];

    [Fact]
    public void ADetectionAtTheWindowsLeftEdge_EarnsAFullTruePositive()
        => Assert.Equal(1.0, Score(40), 6);

    [Fact]
    public void ADetectionAtTheRightEdge_EarnsLittle()
        => Assert.Equal(0.2449187 / 0.9866143, Score(49), 6); // position −(49−49+1)/10 = −0.1

    [Fact]
    public void OnlyTheBestDetectionInAWindowCounts()
        => Assert.Equal(1.0, Score(40, 45, 48), 6);

    [Fact]
    public void AMissedWindow_CostsTheFalseNegativeWeight()
    {
        Assert.Equal(-1.0, Score(), 6);
        Assert.Equal(-2.0, Score(NabProfile.RewardLowFalseNegatives), 6);
    }

    [Fact]
    public void AFalsePositiveBeforeAnyWindow_CostsTheFullFalsePositiveWeight()
        => Assert.Equal(-0.11 - 1.0, Score(20), 6);

    [Fact]
    public void AFalsePositiveSoonAfterAWindow_CostsLessTheCloserItIs()
    {
        // Row 55: 6 rows past the window's right edge, in widths of (10 − 1): 2/3.
        Assert.Equal(1.0 - 0.11 * 0.9311098, Score(40, 55), 6);
        Assert.Equal(1.0 - 0.22 * 0.9311098, Score(NabProfile.RewardLowFalsePositives, 40, 55), 6);
        Assert.True(Score(40, 50) > Score(40, 55));
    }

    [Fact]
    public void DetectionsInTheProbationaryPeriod_AreIgnored()
    {
        Assert.Equal(15, NabScorer.ProbationaryLength(100));
        Assert.Equal(750, NabScorer.ProbationaryLength(10_000));
        Assert.Equal(-1.0, Score(3, 14), 6);
    }

    [Fact]
    public void Normalisation_PutsTheNullDetectorAt0_AndThePerfectOneAt100()
    {
        Assert.Equal(0, NabScorer.Normalize(-1.0, 1, NabProfile.Standard), 9);
        Assert.Equal(100, NabScorer.Normalize(1.0, 1, NabProfile.Standard), 9);
        Assert.Equal(50, NabScorer.Normalize(0.0, 1, NabProfile.Standard), 9);
        Assert.Equal(0, NabScorer.Normalize(-4.0, 2, NabProfile.RewardLowFalseNegatives), 9); // null: −fn per window
    }

    [Fact]
    public void RepeatedTimestamps_EndAWindowAtTheFirstRowStampedWithItsEnd()
    {
        DateTime[] times = [Start, Start.AddMinutes(5), Start.AddMinutes(10), Start.AddMinutes(10), Start.AddMinutes(15)];
        var spans = NabScorer.Locate(times, [new AnomalyWindow(Start.AddMinutes(5), Start.AddMinutes(10))]);
        Assert.Equal([(1, 2)], spans);
    }

    private static double Score(params int[] detections) => Score(NabProfile.Standard, detections);

    private static double Score(NabProfile profile, params int[] detections)
    {
        var detected = new bool[Times.Length];
        foreach (var row in detections)
        {
            detected[row] = true;
        }

        return NabScorer.ScoreFile(Times, detected, Window, profile).Score;
    }
}
