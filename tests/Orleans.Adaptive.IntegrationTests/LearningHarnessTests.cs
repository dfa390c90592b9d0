using System.Globalization;
using System.Text;
using System.Text.Json;
using Orleans.Adaptive.IntegrationTests.Infrastructure;

namespace Orleans.Adaptive.IntegrationTests;

/// <summary>bench/Learning's commands work on any folder of files in the shared formats and write the documented JSON.</summary>
public sealed class LearningHarnessTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private readonly string _folder = Directory.CreateTempSubdirectory("adaptive-harness-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Forecast_OnAnyFolder_WritesEveryModelsMetrics_AndTheSelection()
    {
        var data = Directory.CreateDirectory(Path.Combine(_folder, "series")).FullName;
        WriteSeries(Path.Combine(data, "hourly_load.csv"), withTimes: true, rows: 24 * 30, value: i => 100 + 40 * Math.Sin(2 * Math.PI * i / 24) + (i * 7919 % 13));
        WriteSeries(Path.Combine(data, "no_times.csv"), withTimes: false, rows: 600, value: i => 50 + (i * 31 % 17));
        var output = Path.Combine(_folder, "forecast.json");

        var result = await RunningProcess.RunDotnetAsync(Programs.BenchLearningDll, ["forecast", "--data", data, "--out", output, "--no-mlnet"], Limit);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken));
        var series = document.RootElement.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(["hourly_load", "no_times"], series.Select(s => s.GetProperty("name").GetString()));
        foreach (var entry in series)
        {
            var models = entry.GetProperty("models").EnumerateArray().ToList();
            Assert.Contains(models, m => m.GetProperty("name").GetString() == "ar2");
            Assert.Contains(models, m => m.GetProperty("name").GetString() == entry.GetProperty("selected").GetString());
            Assert.All(models, m => Assert.All(new[] { "mae", "rmse", "smape", "mase" }, field => Assert.Equal(JsonValueKind.Number, m.GetProperty(field).ValueKind)));
        }

        Assert.Equal(24, series[0].GetProperty("periods")[0].GetInt32()); // the daily cycle of hourly data was found
        Assert.Equal(2, document.RootElement.GetProperty("aggregate").GetProperty("series").GetInt32());
    }

    [Fact]
    public async Task Detect_OnAnyLabelledFolder_ScoresEachDetectorTheNabWay()
    {
        var data = Directory.CreateDirectory(Path.Combine(_folder, "nab", "synthetic")).FullName;
        var start = new DateTime(2020, 1, 1);
        var labels = new StringBuilder("{");
        for (var f = 0; f < 2; f++)
        {
            var spikeAt = 1500 + 100 * f;
            WriteSeries(Path.Combine(data, $"spiky_{f}.csv"), withTimes: true, rows: 2000, value: i => 10 + 3 * Math.Sin(i / 10.0) + (i * 7919 % 5) / 5.0 + (i >= spikeAt && i < spikeAt + 5 ? 60 : 0));
            var windowStart = start.AddMinutes(5 * (spikeAt - 50));
            var windowEnd = start.AddMinutes(5 * (spikeAt + 50));
            labels.Append(CultureInfo.InvariantCulture, $"{(f > 0 ? "," : string.Empty)}\"synthetic/spiky_{f}.csv\": [[\"{windowStart:yyyy-MM-dd HH:mm:ss}.000000\", \"{windowEnd:yyyy-MM-dd HH:mm:ss}.000000\"]]");
        }

        var labelsPath = Path.Combine(_folder, "windows.json");
        await File.WriteAllTextAsync(labelsPath, labels.Append('}').ToString(), TestContext.Current.CancellationToken);
        var output = Path.Combine(_folder, "detect.json");

        var result = await RunningProcess.RunDotnetAsync(
            Programs.BenchLearningDll,
            ["detect", "--data", Path.Combine(_folder, "nab"), "--labels", labelsPath, "--out", output, "--detectors", "isolation-forest,windowed-gaussian"],
            Limit);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken));
        var detectors = document.RootElement.GetProperty("detectors").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!);
        Assert.Equal(["isolation-forest", "isolation-forest+alarms", "windowed-gaussian"], detectors.Keys.Order());
        foreach (var detector in detectors.Values)
        {
            var nab = detector.GetProperty("nab");
            foreach (var profile in new[] { "standard", "reward_low_FP_rate", "reward_low_FN_rate" })
            {
                Assert.Equal(JsonValueKind.Number, nab.GetProperty(profile).ValueKind);
            }

            foreach (var field in new[] { "precision", "recall", "f1" })
            {
                Assert.InRange(detector.GetProperty(field).GetDouble(), 0, 1);
            }
        }

        // Two obvious spikes, each inside its window: the alarms find both.
        Assert.Equal(2, detectors["isolation-forest+alarms"].GetProperty("detectedWindows").GetInt32());
        Assert.True(detectors["isolation-forest+alarms"].GetProperty("nab").GetProperty("standard").GetDouble() > 50);
    }

    [Fact]
    public async Task Detect_WithLabelsForNoFileInTheFolder_SaysHowKeysAreMatched()
    {
        var data = Directory.CreateDirectory(Path.Combine(_folder, "other")).FullName;
        WriteSeries(Path.Combine(data, "a.csv"), withTimes: true, rows: 100, value: static i => i);
        var labelsPath = Path.Combine(_folder, "windows.json");
        await File.WriteAllTextAsync(labelsPath, "{\"realKnownCause/nyc_taxi.csv\": []}", TestContext.Current.CancellationToken);
        var result = await RunningProcess.RunDotnetAsync(Programs.BenchLearningDll, ["detect", "--data", data, "--labels", labelsPath, "--out", Path.Combine(_folder, "x.json")], Limit);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: No CSV file under", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forecast_OnAMalformedFile_NamesTheFileAndLine()
    {
        var path = Path.Combine(_folder, "broken.csv");
        await File.WriteAllTextAsync(path, "timestamp,value\n2020-01-01 00:00:00,1\n2020-01-01 00:05:00,oops\n", TestContext.Current.CancellationToken);
        var result = await RunningProcess.RunDotnetAsync(Programs.BenchLearningDll, ["forecast", "--data", path, "--out", Path.Combine(_folder, "y.json")], Limit);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{path}:3", result.StandardError, StringComparison.Ordinal);
    }

    private static void WriteSeries(string path, bool withTimes, int rows, Func<int, double> value)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine(withTimes ? "timestamp,value" : "value");
        var start = new DateTime(2020, 1, 1);
        for (var i = 0; i < rows; i++)
        {
            var v = value(i).ToString("0.###", CultureInfo.InvariantCulture);
            writer.WriteLine(withTimes ? $"{start.AddMinutes(5 * i):yyyy-MM-dd HH:mm:ss},{v}" : v);
        }
    }
}
