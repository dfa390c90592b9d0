using Orleans.Adaptive.Learning.Anomaly;
using Orleans.Adaptive.Learning.Data;
using Orleans.Adaptive.Learning.Forecasting;
using Orleans.Adaptive.Learning.Persistence;

namespace Orleans.Adaptive.Tests.Learning;

public sealed class PersistenceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("adaptive-models-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void AnIsolationForest_ScoresTheSameAfterARoundTrip()
    {
        var random = new Random(1);
        var data = Enumerable.Range(0, 400).Select(_ => new[] { random.NextDouble(), random.NextDouble() }).ToList();
        var model = IsolationForest.Fit(data);
        var path = Path.Combine(_folder, "forest.model");
        ModelStore.Save(path, model);
        var loaded = ModelStore.LoadIsolationForest(path);
        foreach (var point in data.Take(50).Append([5.0, -5.0]))
        {
            Assert.Equal(model.Score(point), loaded.Score(point));
        }
    }

    [Fact]
    public void AnAutoregression_ForecastsTheSameAfterARoundTrip()
    {
        var series = new TimeSeries("s", "value", [.. Enumerable.Range(0, 300).Select(i => 10 + Math.Sin(i / 5.0) * 3 + i % 4)]);
        var context = SeriesContext.Analyze(series);
        var model = new AutoRegressiveForecaster(context, new LagSet(6, [], [12]), RegressionLoss.Absolute, transform: ValueTransform.Log1p);
        model.Fit(series);
        var path = Path.Combine(_folder, "ar.model");
        ModelStore.Save(path, model, context);

        var loaded = ModelStore.LoadAutoRegressive(path);
        Assert.Equal(model.Coefficients, loaded.Coefficients);
        foreach (var value in series.Values.TakeLast(20))
        {
            loaded.Observe(value); // a loaded model has no history until it is fed some
        }

        Assert.Equal(model.Forecast(5), loaded.Forecast(5));
    }

    [Fact]
    public void AnMlNetForecaster_ForecastsTheSameAfterARoundTrip()
    {
        var series = new TimeSeries("s", "value", [.. Enumerable.Range(0, 600).Select(i => 50 + 20 * Math.Sin(2 * Math.PI * i / 40))]);
        var context = SeriesContext.Analyze(series);
        var model = new MlNetForecaster(context, MlNetTrainer.FastTree);
        model.Fit(series);
        var path = Path.Combine(_folder, "mlnet.model");
        MlNetModelStore.Save(path, model, context, MlNetTrainer.FastTree);
        var loaded = MlNetModelStore.LoadMlNetForecaster(path);
        foreach (var value in series.Values)
        {
            loaded.Observe(value);
        }

        Assert.Equal(model.Forecast(3), loaded.Forecast(3));
    }

    [Fact]
    public void ACorruptedFile_IsRefusedSayingSo()
    {
        var path = SavedForest();
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<ModelFormatException>(() => ModelStore.LoadIsolationForest(path));
        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATruncatedFile_IsRefusedSayingSo()
    {
        var path = SavedForest();
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..40]);
        Assert.Contains("truncated", Assert.Throws<ModelFormatException>(() => ModelStore.LoadIsolationForest(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileFromAnotherFormatVersion_IsRefusedSayingWhichVersions()
    {
        var path = SavedForest();
        var bytes = File.ReadAllBytes(path);
        BitConverter.GetBytes(ModelFile.FormatVersion + 1).CopyTo(bytes, 4);
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<ModelFormatException>(() => ModelStore.LoadIsolationForest(path));
        Assert.Contains($"format version {ModelFile.FormatVersion + 1} is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherKindOfModel_OrNotAModelAtAll_IsRefused()
    {
        var path = SavedForest();
        Assert.Contains("not a 'autoregressive' model", Assert.Throws<ModelFormatException>(() => ModelStore.LoadAutoRegressive(path)).Message, StringComparison.Ordinal);
        var text = Path.Combine(_folder, "notes.txt");
        File.WriteAllText(text, "hello, this is not a model");
        Assert.Contains("not an Orleans.Adaptive model file", Assert.Throws<ModelFormatException>(() => ModelStore.LoadIsolationForest(text)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnusableFile_FallsBackToTheBaseline_SayingWhy()
    {
        var path = Path.Combine(_folder, "garbage.model");
        File.WriteAllText(path, "OAML but not really");
        var baseline = new LastValueForecaster(new SeriesContext(null, [], false));
        var model = ModelStore.LoadForecasterOrFallback(path, () => baseline, out var problem);
        Assert.Same(baseline, model);
        Assert.NotNull(problem);
        Assert.Contains(path, problem, StringComparison.Ordinal);

        var missing = ModelStore.LoadForecasterOrFallback(Path.Combine(_folder, "absent.model"), () => baseline, out var why);
        Assert.Same(baseline, missing);
        Assert.Contains("No model file", why, StringComparison.Ordinal);
    }

    private string SavedForest()
    {
        var path = Path.Combine(_folder, $"forest-{Guid.NewGuid():N}.model");
        ModelStore.Save(path, IsolationForest.Fit([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0], [0.5, 0.1]]));
        return path;
    }
}
