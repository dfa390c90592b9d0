using Orleans.Adaptive.Learning.Evaluation;
using Orleans.Adaptive.Learning.Features;
using Orleans.Adaptive.Learning.Forecasting;
using Orleans.Adaptive.Learning.Numerics;

namespace Orleans.Adaptive.Tests.Learning;

public sealed class FeatureTests
{
    [Fact]
    public void Interpolation_FillsGapsLinearly_AndEdgesWithTheNearestValue()
    {
        Assert.Equal([1.0, 1, 2, 3, 3], MissingValues.Interpolate([double.NaN, 1, double.NaN, 3, double.NaN]));
        Assert.Equal([0.0, 0], MissingValues.Interpolate([double.NaN, double.NaN]));
        Assert.Equal([2.0, 2, 5, 5], MissingValues.CarryForward([double.NaN, 2, 5, double.NaN]));
    }

    [Fact]
    public void RobustScaling_IsNotMovedByAnOutlier()
    {
        var rows = Enumerable.Range(0, 101).Select(i => new[] { i == 100 ? 1e6 : i % 10 }).ToList();
        var scaler = RobustScaler.Fit(rows);
        Assert.Equal(5, scaler.Centers[0]); // the 51st of 101 sorted values
        Assert.InRange(scaler.Scales[0], 2, 5);
        var constant = RobustScaler.Fit([[3.0], [3.0]]);
        Assert.Equal(1, constant.Scales[0]); // never divides by zero
    }

    [Fact]
    public void Seasonality_IsFoundWithoutTimestamps_FromTheAutocorrelation()
    {
        var values = Enumerable.Range(0, 2000).Select(i => Math.Sin(2 * Math.PI * i / 24) + 0.1 * Math.Cos(i)).ToArray();
        Assert.Equal(24, Seasonality.DetectPeriods(values, step: null)[0]);
        Assert.Empty(Seasonality.DetectPeriods(Enumerable.Range(0, 500).Select(static i => (double)i).ToArray(), null));
    }

    [Fact]
    public void RollingWindows_KeepMeanSpreadAndSlope()
    {
        var window = new RollingWindow(3);
        foreach (var value in new[] { 10.0, 1, 2, 3 })
        {
            window.Add(value);
        }

        Assert.Equal(2, window.Mean, 9);
        Assert.Equal(Math.Sqrt(2.0 / 3), window.StandardDeviation, 9);
        Assert.Equal(1, window.Slope(), 9);
        Assert.Equal(3, window[0]);
        Assert.Equal(1, window[2]);
    }

    [Fact]
    public void LagSets_ListRecentAndSeasonalLags_AndRollingMedians()
    {
        var lags = new LagSet(3, [10], [4]);
        Assert.Equal([1, 2, 3, 10, 11], lags.Lags);
        Assert.Equal(11, lags.MaxLag);
        Assert.Equal("3+s10+m4", lags.Describe());
        var features = new double[lags.FeatureCount];
        lags.Write(k => k, features, new double[lags.MaxLag + 1]);
        Assert.Equal([1.0, 2, 3, 10, 11, 2.5], features);
        // A copy with other medians must not keep the original's derived lags.
        var copy = lags with { Recent = 1 };
        Assert.Equal([1, 10, 11], copy.Lags);
    }

    [Fact]
    public void DescriptiveStatistics_SkipMissingValues()
    {
        Assert.Equal(2, Descriptive.Median([3, double.NaN, 1, 2]));
        Assert.Equal(2, Descriptive.Mean([1, double.NaN, 3]));
        Assert.Equal(0.5, Descriptive.NormalTail(0), 6);
        Assert.Equal(0.0227501, Descriptive.NormalTail(2), 6);
        Assert.Equal(3, Descriptive.Quantile([1, 2, 3, 4, 5], 0.5));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 7)]
    [InlineData(1_000, 11)]
    [InlineData(1_001, 12)]
    public void SelectInPlace_FindsTheSameOrderStatisticAsASort(int length, int seed)
    {
        var random = new Random(seed);
        var shapes = new Func<int, double>[]
        {
            _ => random.NextDouble(),          // distinct values
            _ => random.Next(3),               // many ties
            i => i,                            // already sorted
            i => length - i,                   // reversed
            _ => 5,                            // constant
        };

        foreach (var shape in shapes)
        {
            var values = Enumerable.Range(0, length).Select(shape).ToArray();
            var sorted = values.Order().ToArray();
            foreach (var k in new[] { 0, length / 2, length - 1 }.Distinct())
            {
                Assert.Equal(sorted[k], Descriptive.SelectInPlace(values.ToArray(), k));
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => Descriptive.SelectInPlace(new double[length], length));
        Assert.Throws<ArgumentOutOfRangeException>(() => Descriptive.SelectInPlace(new double[length], -1));
    }

    [Fact]
    public void NabLabels_AreReadWithTheirTimes_AndMalformedOnesExplained()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "{\"realKnownCause/x.csv\": [[\"2014-01-01 00:00:00.000000\", \"2014-01-02 00:00:00.000000\"]]}");
            var labels = NabLabels.Read(path);
            Assert.Equal(new DateTime(2014, 1, 2), labels["realKnownCause/x.csv"][0].End);

            File.WriteAllText(path, "{\"x.csv\": [[\"yesterday\", \"today\"]]}");
            Assert.Contains("'yesterday'", Assert.Throws<FormatException>(() => NabLabels.Read(path)).Message, StringComparison.Ordinal);
            File.WriteAllText(path, "[1, 2]");
            Assert.Contains(path, Assert.Throws<FormatException>(() => NabLabels.Read(path)).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
