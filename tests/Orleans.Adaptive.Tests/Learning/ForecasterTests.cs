using Orleans.Adaptive.Learning.Data;
using Orleans.Adaptive.Learning.Evaluation;
using Orleans.Adaptive.Learning.Forecasting;

namespace Orleans.Adaptive.Tests.Learning;

public sealed class ForecasterTests
{
    private static readonly SeriesContext Plain = new(null, [], IsNonNegative: false);

    [Fact]
    public void Ar2_RecoversKnownCoefficients()
    {
        // x(t) = 5 + 0.6·x(t−1) − 0.2·x(t−2) + ε, ε ~ N(0, 1)
        var series = Generate(8000, seed: 1, (x1, x2, noise) => 5 + 0.6 * x1 - 0.2 * x2 + noise);
        var model = AutoRegressiveForecaster.Ar2(Plain);
        model.Fit(series);
        Assert.Equal(5, model.Coefficients[0], 0.3);
        Assert.Equal(0.6, model.Coefficients[1], 0.03);
        Assert.Equal(-0.2, model.Coefficients[2], 0.03);
    }

    [Fact]
    public void LeastAbsoluteDeviations_RecoversCoefficients_ThatRareHugeErrorsThrowOffLeastSquares()
    {
        var random = new Random(9);
        var series = Generate(6000, seed: 2, (x1, x2, noise) => 1 + 0.7 * x1 + noise + (random.NextDouble() < 0.02 ? 200 : 0));
        var absolute = new AutoRegressiveForecaster(Plain, new LagSet(1, []), RegressionLoss.Absolute);
        var squares = new AutoRegressiveForecaster(Plain, new LagSet(1, []), RegressionLoss.Squares);
        absolute.Fit(series);
        squares.Fit(series);
        Assert.Equal(0.7, absolute.Coefficients[1], 0.05);
        Assert.True(Math.Abs(squares.Coefficients[1] - 0.7) > Math.Abs(absolute.Coefficients[1] - 0.7));
    }

    [Fact]
    public void MultiStepForecasts_FeedPredictionsBack()
    {
        var series = Generate(3000, seed: 3, (x1, x2, noise) => 2 + 0.5 * x1 + 0.1 * x2 + noise);
        var model = AutoRegressiveForecaster.Ar2(Plain);
        model.Fit(series);
        var c = model.Coefficients;
        var (last, previous) = (series.Values[^1], series.Values[^2]);
        var step1 = c[0] + c[1] * last + c[2] * previous;
        var step2 = c[0] + c[1] * step1 + c[2] * last;
        var step3 = c[0] + c[1] * step2 + c[2] * step1;
        Assert.Equal([step1, step2, step3], model.Forecast(3), new ToleranceComparer(1e-9));
    }

    [Fact]
    public void RecursiveLeastSquares_FollowsAChangeThatAFixedFitMisses()
    {
        // The coefficient flips from 0.8 to −0.5 halfway; the online model adapts, the one fitted on the first half cannot.
        var random = new Random(4);
        var values = new double[6000];
        for (var t = 1; t < values.Length; t++)
        {
            values[t] = (t < 3000 ? 0.8 : -0.5) * values[t - 1] + IsolationForestTests.Gaussian(random);
        }

        var train = new TimeSeries("drift", "value", values[..2000]);
        var test = values.AsSpan(2000).ToArray();
        var scale = ForecastMetrics.NaiveScale(train.Values);
        var online = OneStepEvaluation.FitAndScore(new RecursiveLeastSquaresForecaster(Plain, new LagSet(1, []), 0.99), train, test, scale);
        var fixedFit = OneStepEvaluation.FitAndScore(new AutoRegressiveForecaster(Plain, new LagSet(1, [])), train, test, scale);
        Assert.True(online.Mae < fixedFit.Mae * 0.85, $"online MAE {online.Mae:0.000} vs fixed {fixedFit.Mae:0.000}");
    }

    [Fact]
    public void AScheduledRefit_FollowsALevelShiftThatTheOriginalFitMisses()
    {
        // Mean-reverting around 10, then around 50 after training: only refits on recent data learn the new mean.
        var random = new Random(12);
        var values = new double[3000];
        for (var t = 1; t < values.Length; t++)
        {
            var mean = t < 1000 ? 10 : 50;
            values[t] = mean + 0.3 * (values[t - 1] - mean) + IsolationForestTests.Gaussian(random);
        }

        var train = new TimeSeries("shift", "value", values[..900]);
        var test = values.AsSpan(900).ToArray();
        var scale = ForecastMetrics.NaiveScale(train.Values);
        var fixedFit = OneStepEvaluation.FitAndScore(new AutoRegressiveForecaster(Plain, new LagSet(1, []), RegressionLoss.Absolute), train, test, scale);
        var refitting = new AutoRegressiveForecaster(Plain, new LagSet(1, []), RegressionLoss.Absolute) { Refit = new ForecasterBase.RefitSchedule(100, 500) };
        var refitted = OneStepEvaluation.FitAndScore(refitting, train, test, scale);
        Assert.Equal("lad-ar(1)+refit(100/500)", refitting.Name);
        Assert.True(refitted.Mae < fixedFit.Mae * 0.8, $"refitting MAE {refitted.Mae:0.000} vs fixed {fixedFit.Mae:0.000}");
    }

    [Fact]
    public void Baselines_RepeatTheLastValueOrLastSeason()
    {
        var series = new TimeSeries("s", "value", [1, 2, 3, 4, 5, 6, 7]);
        var last = new LastValueForecaster(Plain);
        last.Fit(series);
        Assert.Equal([7.0, 7.0], last.Forecast(2));
        var seasonal = new SeasonalNaiveForecaster(Plain, 3);
        seasonal.Fit(series);
        Assert.Equal([5.0, 6.0, 7.0, 5.0], seasonal.Forecast(4));
        seasonal.Observe(double.NaN); // a missing observation repeats the last value
        Assert.Equal(6.0, seasonal.Forecast(1)[0]);
    }

    [Fact]
    public void NonNegativeSeries_NeverGetNegativeForecasts_AndMedianModelsForecastWholeCounts()
    {
        var counts = new TimeSeries("counts", "value", [.. Enumerable.Range(0, 500).Select(i => (double)(i % 7 == 0 ? 3 : 0))]);
        var context = SeriesContext.Analyze(counts);
        Assert.True(context.IsNonNegative);
        Assert.True(context.IsIntegerValued);
        var model = new AutoRegressiveForecaster(context, new LagSet(3, []), RegressionLoss.Absolute);
        model.Fit(counts);
        foreach (var forecast in model.Forecast(10))
        {
            Assert.True(forecast >= 0);
            Assert.Equal(Math.Round(forecast), forecast);
        }
    }

    [Fact]
    public void Seasonality_IsFoundFromTimestamps_AndSelectionPrefersASeasonalModel()
    {
        var random = new Random(6);
        var start = new DateTime(2020, 1, 1);
        const int Day = 96; // 15-minute steps
        var values = Enumerable.Range(0, Day * 20).Select(i => 100 + 50 * Math.Sin(2 * Math.PI * i / Day) + 3 * IsolationForestTests.Gaussian(random)).ToArray();
        var times = Enumerable.Range(0, values.Length).Select(i => start.AddMinutes(15 * i)).ToArray();
        var series = new TimeSeries("daily", "value", values, times);
        var context = SeriesContext.Analyze(series);
        Assert.Equal(Day, context.PrimaryPeriod);

        var selection = ModelSelection.Select(series, ForecasterCatalog.Candidates(context));
        Assert.NotEqual("last-value", selection.Selected.Name);
        Assert.True(selection.ValidationMae[selection.Selected.Name] < selection.ValidationMae["last-value"]);
        Assert.True(selection.ValidationMae[selection.Selected.Name] <= selection.ValidationMae.Values.Min() + 1e-12);
    }

    [Fact]
    public void MlNetForecaster_LearnsASeasonalPattern()
    {
        var random = new Random(8);
        var values = Enumerable.Range(0, 3000).Select(i => 20 + 10 * Math.Sin(2 * Math.PI * i / 50) + IsolationForestTests.Gaussian(random)).ToArray();
        var train = new TimeSeries("s", "value", values[..2500]);
        var context = SeriesContext.Analyze(train);
        var scale = ForecastMetrics.NaiveScale(train.Values);
        var metrics = OneStepEvaluation.FitAndScore(new MlNetForecaster(context, MlNetTrainer.FastTree), train, values.AsSpan(2500), scale);
        Assert.True(metrics.Mase < 1, $"MASE {metrics.Mase:0.000}");
    }

    [Fact]
    public void Combination_IsTheMeanOfItsMembers()
    {
        var series = new TimeSeries("s", "value", [1, 2, 3, 10]);
        var combined = new CombinedForecaster([new LastValueForecaster(Plain), new SeasonalNaiveForecaster(Plain, 2)]);
        combined.Fit(series);
        Assert.Equal((10 + 3) / 2.0, combined.Forecast(1)[0]);
    }

    [Fact]
    public void Metrics_FollowTheirDefinitions()
    {
        var metrics = ForecastMetrics.Compute([0, 2, 4, double.NaN], [0, 3, 2, 99], naiveScale: 2);
        Assert.Equal(3, metrics.Points);
        Assert.Equal(1, metrics.Mae, 9); // (0 + 1 + 2) / 3
        Assert.Equal(Math.Sqrt(5.0 / 3), metrics.Rmse, 9);
        Assert.Equal(100 * (0 + 2.0 / 5 + 4.0 / 6) / 3, metrics.Smape, 9); // 0/0 counts as 0
        Assert.Equal(0.5, metrics.Mase, 9);
        Assert.Equal(2, ForecastMetrics.NaiveScale([1, 3, double.NaN, 5]), 9);
    }

    private static TimeSeries Generate(int length, int seed, Func<double, double, double, double> next)
    {
        var random = new Random(seed);
        var values = new double[length];
        for (var t = 2; t < length; t++)
        {
            values[t] = next(values[t - 1], values[t - 2], IsolationForestTests.Gaussian(random));
        }

        return new TimeSeries("generated", "value", values[100..]);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
