using Orleans.Adaptive.Learning.Placement;

namespace Orleans.Adaptive.Tests.Learning.Placement;

public sealed class EntityLoadForecastsTests
{
    [Fact]
    public void Refits_RecoverTheCoefficientsOfAnAr2Process()
    {
        // x(t) = 20 + 0.5·x(t−1) + 0.3·x(t−2) + ε: the forecast after a refit must be the model's, not the last value.
        var forecasts = new EntityLoadForecasts(new EntityForecastOptions { History = 400, RefitEvery = 1, MinimumHistory = 10 });
        var random = new Random(3);
        double x1 = 100, x2 = 100;
        for (var t = 0; t < 400; t++)
        {
            var x = 20 + 0.5 * x1 + 0.3 * x2 + IsolationForestTests.Gaussian(random);
            forecasts.Observe("p", x);
            (x2, x1) = (x1, x);
        }

        Assert.Equal(391, forecasts.Version);
        var expected = 20 + 0.5 * x1 + 0.3 * x2;
        Assert.Equal(expected, forecasts.Predict("p")!.Value, 0.6);
        Assert.Equal(x1, forecasts.Last("p"));
    }

    [Fact]
    public void ForecastsTheLastValue_UntilThereIsEnoughHistory_AndSkipsMissingReadings()
    {
        var forecasts = new EntityLoadForecasts();
        Assert.Null(forecasts.Predict("p"));
        forecasts.Observe("p", 7);
        forecasts.Observe("p", double.NaN);
        forecasts.Observe("p", -1);
        forecasts.Observe("p", double.PositiveInfinity);
        Assert.Equal(7, forecasts.Predict("p"));
        Assert.Equal(7, forecasts.Predict("p", steps: 5));
    }

    [Fact]
    public void Forecasts_AreClampedToAPlausibleRange()
    {
        // An explosive series (x doubles) must not forecast beyond 1.5 × the largest value seen, nor below zero.
        var forecasts = new EntityLoadForecasts(new EntityForecastOptions { History = 20, RefitEvery = 20, MinimumHistory = 10 });
        var x = 1.0;
        for (var t = 0; t < 20; t++)
        {
            forecasts.Observe("p", x);
            x *= 2;
        }

        var largest = x / 2;
        Assert.InRange(forecasts.Predict("p", steps: 10)!.Value, 0, 1.5 * largest + 1e-6);
    }

    [Theory]
    [InlineData(2.0, 150.0)] // a cold partition becomes hot (the hot set moved onto it)
    [InlineData(150.0, 2.0)] // and the other way round
    public void AJumpOutOfTheFittedRange_IsFollowedAtOnce_NotPulledBackToTheOldRegime(double before, double after)
    {
        var forecasts = new EntityLoadForecasts(new EntityForecastOptions { History = 120, RefitEvery = 30, MinimumHistory = 10 });
        var random = new Random(3);
        for (var t = 0; t < 60; t++)
        {
            forecasts.Observe("p", before * (0.9 + 0.2 * random.NextDouble()));
        }

        forecasts.Observe("p", after);
        forecasts.Observe("p", after * 1.02);

        // A model fitted on the old regime would forecast about `before` for up to 30 more intervals.
        Assert.InRange(forecasts.Predict("p")!.Value, after * 0.9, after * 1.1);
    }

    [Fact]
    public void AModelThatStopsBeatingTheLastValue_GivesWayToIt()
    {
        // Fitted on a strict alternation (x(t) = 30 − x(t−1)), the model keeps predicting a flip; when the load
        // settles at 12 (inside the fitted range, so no reset) the last value is right and the model is not.
        var forecasts = new EntityLoadForecasts(new EntityForecastOptions { History = 120, RefitEvery = 1000, MinimumHistory = 10 });
        for (var t = 0; t < 40; t++)
        {
            forecasts.Observe("p", t % 2 == 0 ? 10 : 20);
        }

        forecasts.Refit("p");
        Assert.Equal(10, forecasts.Predict("p")!.Value, 1); // the alternation is learned: after 20 comes 10 (last value: 20)

        for (var t = 0; t < 20; t++)
        {
            forecasts.Observe("p", 12);
        }

        Assert.Equal(12, forecasts.Predict("p")!.Value, 6);
    }

    [Fact]
    public void Refits_AreStaggeredAcrossEntities()
    {
        var options = new EntityForecastOptions { History = 40, RefitEvery = 20, MinimumHistory = 10 };
        var forecasts = new EntityLoadForecasts(options);
        var refitsPerInterval = new List<long>();
        for (var t = 0; t < 60; t++)
        {
            var before = forecasts.Version;
            for (var e = 0; e < 200; e++)
            {
                forecasts.Observe($"partition-{e}", e + t % 3);
            }

            if (t >= 30)
            {
                refitsPerInterval.Add(forecasts.Version - before);
            }
        }

        // 200 entities refitting every 20 intervals: 10 per interval on average, never all at once.
        Assert.InRange(refitsPerInterval.Average(), 8, 12);
        Assert.True(refitsPerInterval.Max() < 60, $"max refits in one interval: {refitsPerInterval.Max()}");
    }

    [Fact]
    public void SnapshotAndRestore_GiveTheSameForecasts()
    {
        var forecasts = new EntityLoadForecasts(new EntityForecastOptions { History = 50, RefitEvery = 10, MinimumHistory = 10 });
        var random = new Random(5);
        for (var t = 0; t < 50; t++)
        {
            forecasts.Observe("a", 50 + 10 * Math.Sin(t / 3.0) + random.NextDouble());
            forecasts.Observe("b", 5 + random.NextDouble());
        }

        var restored = new EntityLoadForecasts();
        restored.Restore(forecasts.Snapshot(), forecasts.Version);
        Assert.Equal(forecasts.Version, restored.Version);
        foreach (var entity in new[] { "a", "b" })
        {
            Assert.Equal(forecasts.Predict(entity)!.Value, restored.Predict(entity)!.Value, 9);
            Assert.Equal(forecasts.Predict(entity, 3)!.Value, restored.Predict(entity, 3)!.Value, 9);
        }
    }

    [Fact]
    public void Restore_SkipsCorruptEntries()
    {
        var restored = new EntityLoadForecasts();
        restored.Restore([new EntityModelSnapshot("bad", true, double.NaN, 1, 0, 10, 1, 1), new EntityModelSnapshot("good", false, 0, 1, 0, 10, 1, 2)], 7);
        Assert.Null(restored.Predict("bad"));
        Assert.Equal(2, restored.Predict("good"));
        Assert.Equal(7, restored.Version);
    }

    [Fact]
    public void AHandle_ForecastsAsTheNameDoes_AndFollowsItsEntityThroughForgetAndRestore()
    {
        var options = new EntityForecastOptions { History = 40, RefitEvery = 5, MinimumHistory = 10 };
        var byName = new EntityLoadForecasts(options);
        var byHandle = new EntityLoadForecasts(options);
        var handle = byHandle.Track("p");
        Span<double> path = stackalloc double[3];
        Assert.False(handle.TryPredict(path)); // not observed yet
        for (var t = 0; t < 60; t++)
        {
            var load = 40 + 10 * Math.Sin(t / 4.0);
            byName.Observe("p", load);
            handle.Observe(load);
        }

        Assert.Equal(byName.Version, byHandle.Version);
        Assert.True(handle.TryPredict(path));
        Assert.Equal(byName.Predict("p", 3)!.Value, path[2], 12);

        // Forgotten: the handle starts a fresh model, which the set tracks again.
        Assert.True(byHandle.Forget("p"));
        Assert.False(handle.TryPredict(path));
        handle.Observe(3);
        Assert.Equal(3, byHandle.Predict("p"));

        // Restored over it: the handle forecasts with the restored model.
        byHandle.Restore(byName.Snapshot(), byName.Version);
        Assert.True(handle.TryPredict(path));
        Assert.Equal(byName.Predict("p")!.Value, path[0], 9);
    }
}
