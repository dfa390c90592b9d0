using Orleans.Adaptive.Learning.Anomaly;

namespace Orleans.Adaptive.Tests.Learning;

public sealed class IsolationForestTests
{
    [Fact]
    public void AveragePathLength_MatchesItsDefinition_WithExactHarmonicNumbers()
    {
        Assert.Equal(0, IsolationForest.AveragePathLength(1));
        Assert.Equal(1, IsolationForest.AveragePathLength(2));
        foreach (var n in new[] { 3, 10, 100, 256, 1000, 10_000 })
        {
            // The paper's formula: c(n) = 2H(n−1) − 2(n−1)/n with H(i) ≈ ln(i) + γ …
            Assert.Equal(2 * (Math.Log(n - 1) + IsolationForest.EulerGamma) - 2.0 * (n - 1) / n, IsolationForest.AveragePathLength(n), 12);

            // … which is the exact harmonic definition up to H's known error, about 1/(2i).
            var harmonic = Enumerable.Range(1, n - 1).Sum(static i => 1.0 / i);
            var exact = 2 * harmonic - 2.0 * (n - 1) / n;
            Assert.InRange(exact - IsolationForest.AveragePathLength(n), 0, 1.0 / (n - 1));
        }

        Assert.Equal(10.2448, IsolationForest.AveragePathLength(256), 3); // the paper's ψ = 256
    }

    [Fact]
    public void PlantedOutliers_ScoreHigherThanInliers()
    {
        var random = new Random(11);
        var inliers = Enumerable.Range(0, 1000).Select(_ => new[] { Gaussian(random), Gaussian(random), Gaussian(random) }).ToList();
        var outliers = Enumerable.Range(0, 10).Select(i => new[] { 6.0 + i * 0.1, -5.0, 5.5 }).ToList();
        var model = IsolationForest.Fit([.. inliers, .. outliers]);

        var inlierScores = inliers.Select(p => model.Score(p)).Order().ToList();
        var outlierScores = outliers.Select(p => model.Score(p)).ToList();
        Assert.All(outlierScores, s => Assert.True(s > inlierScores[(int)(inlierScores.Count * 0.99)], $"outlier score {s} is not above the inliers' 99th percentile"));
        Assert.True(outlierScores.Average() > 0.6, $"mean outlier score {outlierScores.Average():0.000}");
        Assert.True(inlierScores.Average() < 0.5, $"mean inlier score {inlierScores.Average():0.000}");
        Assert.All(inlierScores.Concat(outlierScores), s => Assert.InRange(s, 0, 1));
    }

    [Fact]
    public void TheSameSeed_GivesTheSameScores_AndAnotherSeedDifferentOnes()
    {
        var random = new Random(3);
        var data = Enumerable.Range(0, 500).Select(_ => new[] { Gaussian(random), Gaussian(random) }).ToList();
        var probes = Enumerable.Range(0, 50).Select(_ => new[] { Gaussian(random) * 2, Gaussian(random) * 2 }).ToList();
        var first = IsolationForest.Fit(data, new IsolationForestOptions { Seed = 42 });
        var second = IsolationForest.Fit(data, new IsolationForestOptions { Seed = 42 });
        var other = IsolationForest.Fit(data, new IsolationForestOptions { Seed = 43 });

        Assert.Equal(probes.Select(p => first.Score(p)), probes.Select(p => second.Score(p)));
        Assert.NotEqual(probes.Select(p => first.Score(p)), probes.Select(p => other.Score(p)));
    }

    [Fact]
    public void Contributions_PointAtTheFeatureThatMakesAPointUnusual()
    {
        var random = new Random(5);
        var data = Enumerable.Range(0, 800).Select(_ => new[] { Gaussian(random), Gaussian(random), Gaussian(random) }).ToList();
        var model = IsolationForest.Fit(data);
        var shares = model.Contributions([0.1, 9.0, -0.2]);
        Assert.Equal(1, Array.IndexOf(shares, shares.Max()));
        Assert.Equal(1, shares.Sum(), 9);
    }

    [Fact]
    public void IdenticalPoints_CannotBeIsolated_AndAllScoreAlike()
    {
        var data = Enumerable.Range(0, 300).Select(_ => new[] { 1.0, 2.0 }).ToList();
        var model = IsolationForest.Fit(data);
        Assert.Equal(model.Score([1.0, 2.0]), model.Score([50.0, -3.0]));
    }

    [Fact]
    public void Fit_RejectsDataItCannotUse()
    {
        Assert.Throws<ArgumentException>(() => IsolationForest.Fit([[1.0]]));
        Assert.Throws<ArgumentException>(() => IsolationForest.Fit([[1.0, 2.0], [1.0]]));
        Assert.Throws<ArgumentException>(() => IsolationForest.Fit([[1.0], [double.NaN]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => IsolationForest.Fit([[1.0], [2.0]], new IsolationForestOptions { Trees = 0 }));
        var model = IsolationForest.Fit([[1.0], [2.0]]);
        Assert.Throws<ArgumentException>(() => model.Score([1.0, 2.0]));
    }

    internal static double Gaussian(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
