using System.Globalization;
using System.Text.Json;
using Orleans.Adaptive.IntegrationTests.Infrastructure;

namespace Orleans.Adaptive.IntegrationTests;

/// <summary>The README's main command, run as a newcomer runs it (plus free ports, so parallel runs do not collide).</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_RunsForItsDuration_AndReportsEverySilosSamples()
    {
        var report = Path.Combine(Path.GetTempPath(), $"demo-{Guid.NewGuid():N}.json");
        try
        {
            var result = await RunningProcess.RunDotnetAsync(
                Programs.SiloDll,
                [
                    "--duration", "30", "--report", report,
                    "--silo-port", FreePorts.Consecutive(3).ToString(CultureInfo.InvariantCulture),
                    "--gateway-port", FreePorts.Consecutive(3).ToString(CultureInfo.InvariantCulture),
                    "--cluster-id", $"demo-test-{Guid.NewGuid():N}",
                ],
                TimeSpan.FromSeconds(120));
            Assert.True(result.ExitCode == 0, result.ToString());

            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken));
            var root = document.RootElement;
            Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
            var supervisor = root.GetProperty("supervisor");
            Assert.True(supervisor.GetProperty("adaptationEnabled").GetBoolean());
            Assert.True(supervisor.GetProperty("cycles").GetInt64() >= 20, supervisor.ToString());
            Assert.Equal(0, supervisor.GetProperty("migrationsFailed").GetInt64());
            var decisions = supervisor.GetProperty("decisions").EnumerateArray().ToList();
            Assert.All(decisions, d => Assert.False(string.IsNullOrWhiteSpace(d.GetProperty("reason").GetString())));
            Assert.Equal(supervisor.GetProperty("migrations").GetInt64(), decisions.Count(d => d.GetProperty("kind").GetString() == "migration"));

            // The autoscaler may have started a fourth silo at a peak of the trace; the first three are the demo's.
            var silos = root.GetProperty("silos").EnumerateArray().ToList();
            var started = supervisor.GetProperty("silosStarted").GetInt32();
            Assert.Equal(3 + started, silos.Count);
            Assert.InRange(started, 0, 1);
            Assert.Equal([400.0, 400.0, 250.0], silos.Take(3).Select(s => s.GetProperty("capacity").GetDouble()));
            silos = silos.Take(3).ToList();

            var meanWork = new List<double>();
            foreach (var silo in silos)
            {
                var samples = silo.GetProperty("samples").EnumerateArray().ToList();
                Assert.True(samples.Count >= 25, $"{silo.GetProperty("name")} has only {samples.Count} samples.");
                Assert.Equal(samples.Count, silo.GetProperty("partitions").GetArrayLength());

                // Busy time is work over this silo's own capacity: the same work loads a smaller silo more.
                var capacity = silo.GetProperty("capacity").GetDouble();
                var loaded = samples.Where(s => Number(s, "workUnitsPerSecond") > 20).ToList();
                Assert.NotEmpty(loaded);
                foreach (var sample in loaded)
                {
                    var expected = Number(sample, "workUnitsPerSecond")!.Value / capacity;
                    Assert.InRange(Number(sample, "utilization")!.Value, expected * 0.8 - 0.02, expected * 1.2 + 0.02);
                }

                meanWork.Add(loaded.Average(s => Number(s, "workUnitsPerSecond")!.Value));
            }

            // Placement and rebalancing weigh predicted load against each silo's capacity, so the weaker silo carries
            // less work than either stronger one. (Their utilisations may well be equal: evening them out is the aim.)
            Assert.True(
                meanWork[2] < meanWork[0] && meanWork[2] < meanWork[1],
                $"The weaker silo should carry less work: mean work units/s {string.Join(", ", meanWork)}");
            var workload = root.GetProperty("workload");
            Assert.True(workload.GetProperty("applied").GetInt64() > 1000);
            Assert.Equal(0, workload.GetProperty("unknown").GetInt64());
            Assert.Equal(0, workload.GetProperty("failed").GetInt64());
        }
        finally
        {
            File.Delete(report);
        }
    }

    private static double? Number(JsonElement sample, string name)
        => sample.GetProperty(name).ValueKind == JsonValueKind.Number ? sample.GetProperty(name).GetDouble() : null;
}
