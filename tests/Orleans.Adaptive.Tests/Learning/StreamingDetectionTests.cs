using Orleans.Adaptive.Learning.Anomaly;

namespace Orleans.Adaptive.Tests.Learning;

public sealed class StreamingDetectionTests
{
    private static readonly StreamingDetectorOptions Fast = new() { ProbationRows = 300, RetrainEvery = 200, TrainingWindow = 1000 };

    [Fact]
    public void ASpike_RaisesAnAlarm_NamingTheMetricThatMisbehaved()
    {
        var detector = new StreamingAnomalyDetector(["cpu", "memory"], [new IsolationForestTrainer(), new RandomizedPcaTrainer()], Fast);
        var random = new Random(1);
        var verdicts = new List<AnomalyVerdict>();
        for (var t = 0; t < 1500; t++)
        {
            var cpu = 50 + 10 * Math.Sin(2 * Math.PI * t / 100) + IsolationForestTests.Gaussian(random);
            var memory = 1000 + 5 * IsolationForestTests.Gaussian(random) + (t is >= 1200 and < 1210 ? 400 : 0);
            verdicts.Add(detector.Observe([cpu, memory]));
        }

        var onsets = verdicts.Where(v => v.AlarmStarted).ToList();
        var spike = Assert.Single(onsets, v => v.Row is >= 1200 and <= 1205);
        Assert.StartsWith("memory.", spike.TopFeatures[0].Feature, StringComparison.Ordinal);
        Assert.True(spike.TopFeatures[0].Share > 0);
        Assert.DoesNotContain(verdicts, v => v.AlarmStarted && v.Row is > 600 and < 1190); // quiet stretch, well after training
    }

    [Fact]
    public void AResourceHeadingForItsLimit_GetsAWarning_WithTheTimeLeft()
    {
        // Memory grows 2 MB per 5-second reading from 1000 MB towards a 3000 MB limit: at reading t it has (2000 − 2t)/2
        // readings, (1000 − t)·5 s, left.
        var options = Fast with { ReadingInterval = TimeSpan.FromSeconds(5), ExhaustionWindow = 60, ExhaustionHorizon = TimeSpan.FromMinutes(10) };
        var detector = new StreamingAnomalyDetector(["memory"], [new IsolationForestTrainer()], options, new Dictionary<string, double> { ["memory"] = 3000 });
        var random = new Random(3);
        AnomalyVerdict? first = null;
        for (var t = 0; t < 1000; t++)
        {
            var verdict = detector.Observe([1000 + 2.0 * t + random.NextDouble()]);
            if (verdict.ExhaustionImminent && first is null)
            {
                first = verdict;
            }
        }

        Assert.NotNull(first);
        var warning = Assert.Single(first.Exhaustion!);
        Assert.Equal("memory", warning.Metric);
        Assert.InRange(warning.TimeToLimit.TotalSeconds, 570, 600); // first below the 10-minute horizon
        Assert.InRange(first.Row, 875, 890);
        Assert.Throws<ArgumentException>(() => new StreamingAnomalyDetector(["cpu"], [new IsolationForestTrainer()], options, new Dictionary<string, double> { ["disk"] = 1 }));
    }

    [Fact]
    public void NothingIsScoredDuringProbation_AndMissingReadingsAreTolerated()
    {
        var detector = new StreamingAnomalyDetector(["value"], new IsolationForestTrainer(), Fast);
        for (var t = 0; t < Fast.ProbationRows - 1; t++)
        {
            var verdict = detector.Observe([t % 10 == 0 ? double.NaN : Math.Sin(t)]);
            Assert.Equal(0, verdict.Score);
            Assert.False(verdict.InAlarm);
        }

        Assert.Null(detector.Models);
        detector.Observe([0.5]);
        Assert.NotNull(detector.Models);
        Assert.Equal(1, detector.Trainings);
    }

    [Fact]
    public void AnIdleNode_WhoseReadingsNeverChange_StillGetsAModel_AndThenNoticesChange()
    {
        // Constant readings make PCA's eigenvectors undefined; the detector must neither throw nor stay blind.
        var detector = new StreamingAnomalyDetector(["cpu", "memory"], [new IsolationForestTrainer(), new RandomizedPcaTrainer()], Fast);
        for (var t = 0; t < 800; t++)
        {
            Assert.False(detector.Observe([5.0, 1000.0]).InAlarm);
        }

        Assert.NotNull(detector.Models);
        Assert.Null(detector.LastTrainingError);
        var alarm = Enumerable.Range(0, 5).Select(_ => detector.Observe([95.0, 3000.0])).Any(v => v.AlarmStarted);
        Assert.True(alarm);
    }

    [Fact]
    public void TheSameStream_GivesTheSameVerdicts()
    {
        static List<double> Run()
        {
            var detector = new StreamingAnomalyDetector(["value"], new IsolationForestTrainer(), Fast);
            var random = new Random(7);
            return [.. Enumerable.Range(0, 900).Select(t => detector.Observe([random.NextDouble() + (t == 800 ? 30 : 0)]).Score)];
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Likelihood_StaysLowForSteadyScores_AndJumpsWhenTheyRise()
    {
        var likelihood = new AnomalyLikelihood(historyLength: 500, shortWindow: 3);
        var random = new Random(2);
        double steady = 0;
        for (var i = 0; i < 600; i++)
        {
            steady = Math.Max(steady, likelihood.Add(0.4 + 0.02 * random.NextDouble()));
        }

        Assert.True(steady < 0.5, $"steady scores reached {steady:0.000}");
        var peak = Enumerable.Range(0, 3).Max(_ => likelihood.Add(0.9));
        Assert.True(peak >= 0.8, $"a jump only reached {peak:0.000}");
    }

    [Fact]
    public void Hysteresis_NeedsKOfN_AndSustainedCalmToClear()
    {
        var alarm = new AlarmHysteresis(enterThreshold: 0.8, enterCount: 2, enterWindow: 3, exitThreshold: 0.3, exitCount: 2);
        Assert.False(alarm.Add(0.9)); // one high score is not enough
        Assert.False(alarm.Add(0.1));
        Assert.True(alarm.Add(0.95)); // two of the last three
        Assert.True(alarm.IsOn);
        Assert.False(alarm.Add(0.1));
        Assert.False(alarm.Add(0.5)); // not calm: the count restarts
        Assert.True(alarm.IsOn);
        alarm.Add(0.1);
        alarm.Add(0.1);
        Assert.False(alarm.IsOn);
    }

    [Fact]
    public void Exhaustion_ExtrapolatesTheTrend_IgnoringOddReadings()
    {
        // 100 + 2 per reading, one reading every 5 s: 300 at the last of 101 readings; 500 is 100 readings, 500 s, away.
        var usage = Enumerable.Range(0, 101).Select(i => 100 + 2.0 * i).ToArray();
        usage[50] = 10_000;
        usage[70] = double.NaN;
        var eta = ResourceExhaustion.TimeUntilExhausted(usage, TimeSpan.FromSeconds(5), limit: 500);
        Assert.NotNull(eta);
        Assert.Equal(500, eta.Value.TotalSeconds, 1);

        Assert.Null(ResourceExhaustion.TimeUntilExhausted([5.0, 5, 5, 5, 5], TimeSpan.FromSeconds(1), 10));
        Assert.Null(ResourceExhaustion.TimeUntilExhausted([9.0, 8, 7, 6], TimeSpan.FromSeconds(1), 10));
        Assert.Equal(TimeSpan.Zero, ResourceExhaustion.TimeUntilExhausted([8.0, 9, 10, 11], TimeSpan.FromSeconds(1), 10));
    }

    [Fact]
    public void WindowFeatures_DescribeLevelChangeDeviationVolatilityAndTrend()
    {
        var features = new WindowFeatures(["x"], shortWindow: 3, longWindow: 4);
        double[]? last = null;
        foreach (var value in new[] { 1.0, 2, 3, 4, 10 })
        {
            last = features.Add([value]);
        }

        Assert.NotNull(last);
        Assert.Equal(["x.level", "x.change", "x.deviation", "x.volatility", "x.trend"], features.Names);
        Assert.Equal(10, last[0]);
        Assert.Equal(6, last[1]);
        Assert.Equal(10 - 2.5, last[2]); // mean of 1..4
        Assert.Equal(3.5, last[4], 9); // least-squares slope of 3, 4, 10
    }
}
