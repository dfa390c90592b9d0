using System.Text.Json;
using Orleans.Adaptive.IntegrationTests.Infrastructure;

namespace Orleans.Adaptive.IntegrationTests;

/// <summary>
/// The placement, scale and overhead benchmarks run end to end on small settings and write the documented JSON.
/// These check the harnesses and their contracts, not the figures (bench/README.md has the full runs).
/// </summary>
public sealed class PlacementBenchTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);
    private readonly string _folder = Directory.CreateTempSubdirectory("adaptive-bench-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string ShippedTrace => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/Silo/Demo/Traces/nasa_http_1995_excerpt.csv"));

    [Fact]
    public async Task Placement_ComparesStrategiesOnATrace_AndLosesNoWork()
    {
        var output = Path.Combine(_folder, "placement.json");
        var result = await RunningProcess.RunDotnetAsync(
            Programs.BenchPlacementDll,
            ["--trace", ShippedTrace, "--silos", "3", "--partitions", "30", "--duration", "10", "--warmup", "3", "--trace-window", "60",
             "--shift-every", "5", "--strategies", "orleans-random,adaptive", "--out", output],
            Limit);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken));
        var root = document.RootElement;
        Assert.Equal("nasa_http_1995_excerpt", root.GetProperty("trace").GetString());
        var strategies = root.GetProperty("strategies").EnumerateArray().ToList();
        Assert.Equal(["orleans-random", "adaptive"], strategies.Select(s => s.GetProperty("name").GetString()));
        foreach (var strategy in strategies)
        {
            foreach (var field in new[] { "imbalance", "p50Ms", "p99Ms", "throughput", "lost", "failed", "migrations" })
            {
                Assert.Equal(JsonValueKind.Number, strategy.GetProperty(field).ValueKind);
            }

            Assert.True(strategy.GetProperty("imbalance").GetDouble() >= 1, "max ÷ mean is at least 1");
            Assert.True(strategy.GetProperty("throughput").GetDouble() > 0);
            Assert.Equal(0, strategy.GetProperty("lost").GetInt64());
            Assert.Equal(0, strategy.GetProperty("duplicated").GetInt64());
            Assert.Equal(3, strategy.GetProperty("silos").GetArrayLength());
        }

        var adaptive = strategies[1];
        Assert.True(adaptive.GetProperty("maxMigrationsInOneCycle").GetInt32() <= adaptive.GetProperty("migrationBudgetPerCycle").GetInt32());
        Assert.Equal(0, strategies[0].GetProperty("migrations").GetInt64()); // random placement never moves anything
        Assert.Equal(JsonValueKind.Number, root.GetProperty("comparison").GetProperty("imbalanceRatio").ValueKind);
    }

    [Fact]
    public async Task Scale_TimesThePlannerSupervisorAndDirector()
    {
        var output = Path.Combine(_folder, "scale.json");
        var result = await RunningProcess.RunDotnetAsync(
            Programs.BenchScaleDll, ["--silos", "50", "--partitions", "2000", "--cycles", "3", "--decisions", "20000", "--out", output], Limit);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken));
        var root = document.RootElement;
        Assert.Equal(50, root.GetProperty("silos").GetInt32());
        Assert.True(root.GetProperty("plannerCycleMs").GetProperty("median").GetDouble() > 0);
        Assert.True(root.GetProperty("supervisorCycleMs").GetProperty("median").GetDouble() > 0);
        Assert.True(root.GetProperty("directorNanosecondsPerDecision").GetDouble() > 0);
        // The synthetic cluster starts with hot silos; the planner must even them out.
        Assert.True(root.GetProperty("imbalanceAfter").GetDouble() < root.GetProperty("imbalanceBefore").GetDouble(), result.ToString());
    }

    [Fact]
    public async Task Overhead_ReportsBothVariantsAndTheirRatio()
    {
        var output = Path.Combine(_folder, "overhead.json");
        var result = await RunningProcess.RunDotnetAsync(
            Programs.BenchOverheadDll,
            ["--windows", "2", "--seconds", "0.5", "--warmup-seconds", "1", "--idle-seconds", "1", "--grains", "50", "--concurrency", "20", "--silos", "1", "--call-statistics", "--out", output],
            Limit);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken));
        var root = document.RootElement;
        Assert.Equal("AddAdaptiveRuntime + AddAdaptiveCallStatistics", root.GetProperty("adaptiveVariant").GetString());
        Assert.True(root.GetProperty("plainCallsPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("adaptiveCallsPerSecond").GetDouble() > 0);
        Assert.Equal(4, root.GetProperty("measurements").GetArrayLength());

        // The overall ratio charges the background share to the per-call ratio, and lies within its own interval.
        var callRatio = root.GetProperty("callRatio").GetDouble();
        var background = root.GetProperty("backgroundShare").GetDouble();
        var ratio = root.GetProperty("ratio").GetDouble();
        Assert.InRange(background, 0, 1);
        Assert.Equal(callRatio * (1 - background), ratio, 3);
        var interval = root.GetProperty("ratioInterval95");
        Assert.InRange(ratio, interval.GetProperty("low").GetDouble() - 1e-3, interval.GetProperty("high").GetDouble() + 1e-3);
        Assert.True(root.GetProperty("idleCpuCores").GetProperty("plain").GetDouble() >= 0);
    }
}
