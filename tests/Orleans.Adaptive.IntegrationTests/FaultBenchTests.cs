using System.Text.Json;
using Orleans.Adaptive.IntegrationTests.Infrastructure;

namespace Orleans.Adaptive.IntegrationTests;

/// <summary>
/// bench/Faults end to end on a small scenario (a silo whose capacity collapses, both modes) and its handling of bad
/// scenario files. These check the harness and its JSON contract; bench/README.md has the full runs.
/// </summary>
public sealed class FaultBenchTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private readonly string _folder = Directory.CreateTempSubdirectory("adaptive-faults-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Faults_RunsBothModes_AndWritesTheDocumentedResults()
    {
        var scenario = Path.Combine(_folder, "quick.json");
        await File.WriteAllTextAsync(scenario, """
            {
              "name": "quick",
              "silos": 3, "partitions": 24, "load": 0.3, "itemCost": 5,
              "durationSeconds": 75,
              "faults": [ { "kind": "cpu-degrade", "silo": 1, "startSeconds": 25, "rampSeconds": 25, "severity": 0.05, "failsAtEnd": true } ]
            }
            """, TestContext.Current.CancellationToken);
        var output = Path.Combine(_folder, "faults.json");
        var result = await RunningProcess.RunDotnetAsync(Programs.BenchFaultsDll, ["--scenario", scenario, "--out", output], Limit);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken));
        var root = document.RootElement;
        Assert.Equal("quick", root.GetProperty("scenario").GetString());
        var runs = root.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(["orleans", "adaptive"], runs.Select(r => r.GetProperty("mode").GetString()));
        foreach (var run in runs)
        {
            Assert.Equal(1, run.GetProperty("seed").GetInt32());
            foreach (var field in new[] { "falseAlarms", "lost", "duplicated", "failedAtClient", "p99Ms" })
            {
                Assert.Equal(JsonValueKind.Number, run.GetProperty(field).ValueKind);
            }

            Assert.Equal(0, run.GetProperty("lost").GetInt64());
            Assert.Equal(0, run.GetProperty("duplicated").GetInt64());
            var fault = Assert.Single(run.GetProperty("faults").EnumerateArray());
            Assert.Equal("cpu-degrade", fault.GetProperty("kind").GetString());
            Assert.Equal(1, fault.GetProperty("silo").GetInt32());
            Assert.Equal(JsonValueKind.True, fault.GetProperty("detected").ValueKind);
            Assert.InRange(fault.GetProperty("failedAtSeconds").GetDouble(), 49, 56); // the ramp ends at 50 s
        }

        // Plain Orleans learns of the failure when the silo is gone; the supervisor before it fails.
        Assert.True(runs[0].GetProperty("faults")[0].GetProperty("leadTimeSeconds").GetDouble() <= 0.5);
        Assert.True(runs[1].GetProperty("faults")[0].GetProperty("leadTimeSeconds").GetDouble() > 0, result.ToString());

        // The adaptive run explains its detection: the verdict changes on the silo, Failing among them; plain Orleans has none.
        Assert.Empty(runs[0].GetProperty("faults")[0].GetProperty("verdicts").EnumerateArray());
        var verdicts = runs[1].GetProperty("faults")[0].GetProperty("verdicts").EnumerateArray().Select(v => v.GetString()!).ToList();
        Assert.Contains(verdicts, v => v.Contains("Failing", StringComparison.Ordinal));
        Assert.Equal(2, root.GetProperty("summary").GetArrayLength());
    }

    [Fact]
    public async Task ABadScenario_IsRefusedWithItsFileAndProblem()
    {
        var scenario = Path.Combine(_folder, "bad.json");
        await File.WriteAllTextAsync(scenario, """{ "silos": 1, "faults": [ { "kind": "freeze" } ] }""", TestContext.Current.CancellationToken);
        var result = await RunningProcess.RunDotnetAsync(Programs.BenchFaultsDll, ["--scenario", scenario], Limit);

        Assert.Equal(1, result.ExitCode); // bad input
        Assert.Contains("bad.json", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("silos must be between 2 and 16", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("needs \"host\": \"processes\"", result.StandardError, StringComparison.Ordinal);

        await File.WriteAllTextAsync(scenario, """{ "silos": 3, "faults": [ { "kind": "meltdown" } ] }""", TestContext.Current.CancellationToken);
        result = await RunningProcess.RunDotnetAsync(Programs.BenchFaultsDll, ["--scenario", scenario], Limit);
        Assert.Equal(1, result.ExitCode); // bad input
        Assert.Contains("kind must be one of", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("meltdown", result.StandardError, StringComparison.Ordinal);
    }
}
