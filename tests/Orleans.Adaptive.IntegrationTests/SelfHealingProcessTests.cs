using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Orleans.Adaptive.IntegrationTests.Infrastructure;

namespace Orleans.Adaptive.IntegrationTests;

/// <summary>
/// Failure handling across real processes: three `serve` silos on Redis, one frozen with SIGSTOP (it keeps its
/// sockets, so Orleans' own detection takes about a minute), and the `adaptive` tool's supervisor commands.
/// </summary>
public sealed class SelfHealingProcessTests
{
    [Fact]
    public async Task AFrozenSilo_IsEvictedByTheSupervisor_WellBeforeOrleansWould_AndTheToolExplainsIt()
    {
        await using var redis = await RedisServer.StartAsync();
        var clusterId = $"test-{Guid.NewGuid():N}";
        string[] connection = ["--clustering", "redis", "--redis", redis.ConnectionString, "--cluster-id", clusterId, "--timeout", "10s"];
        var names = new[] { "silo-a", "silo-b", "silo-c" };
        var silos = names.Select(name => StartSilo(name, redis, clusterId)).ToList();
        try
        {
            string Diagnostics() => string.Join("\n", silos.Select((s, i) => $"{names[i]} stderr:\n{s.StandardError}\n{names[i]} stdout:\n{s.StandardOutput}"));
            Dictionary<string, string> addresses;
            using (var status = await StatusProbe.WaitForAsync(
                connection,
                root => StatusProbe.Silos(root).Count(s => StatusProbe.Status(s) == "Active" && StatusProbe.HasSample(s)) == 3,
                TimeSpan.FromSeconds(120),
                Diagnostics))
            {
                addresses = StatusProbe.Silos(status.RootElement).ToDictionary(StatusProbe.Name, s => s.GetProperty("address").GetString()!);
            }

            // Freeze a silo that does not host the supervisor (a frozen supervisor cannot act; Orleans handles that).
            var health = await RunToolAsync(["health", "--json", .. connection]);
            var supervisorSilo = JsonDocument.Parse(health.StandardOutput).RootElement.GetProperty("supervisor").GetString();
            var frozenName = names.First(n => addresses[n] != supervisorSilo);
            var frozen = silos[Array.IndexOf(names, frozenName)];
            var clock = Stopwatch.StartNew();
            Signal(frozen.Id, "STOP");

            using (await StatusProbe.WaitForAsync(
                connection,
                root => StatusProbe.Silos(root).Any(s => StatusProbe.Name(s) == frozenName && StatusProbe.Status(s) == "Dead"),
                TimeSpan.FromSeconds(45),
                Diagnostics))
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"{frozenName} Dead {clock.Elapsed.TotalSeconds:0.0} s after SIGSTOP");
            }

            // Orleans' defaults take about a minute for a frozen silo; the supervisor's eviction is what made it quick.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), $"declared dead only after {clock.Elapsed.TotalSeconds:0} s");
            var evictions = await RunToolAsync(["decisions", "--kind", "eviction", .. connection]);
            Assert.Contains(addresses[frozenName], evictions.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("did not answer a probe", evictions.StandardOutput, StringComparison.Ordinal);

            var explain = await RunToolAsync(["explain", addresses[frozenName], .. connection]);
            Assert.Contains("Eviction", explain.StandardOutput, StringComparison.Ordinal);

            // The kill switch, from the tool.
            var pause = await RunToolAsync(["pause", "--reason", "integration test", .. connection]);
            Assert.Contains("Adaptation is off", pause.StandardOutput, StringComparison.Ordinal);
            Assert.False(JsonDocument.Parse((await RunToolAsync(["health", "--json", .. connection])).StandardOutput).RootElement.GetProperty("adaptationEnabled").GetBoolean());
            await RunToolAsync(["resume", .. connection]);
            Assert.True(JsonDocument.Parse((await RunToolAsync(["health", "--json", .. connection])).StandardOutput).RootElement.GetProperty("adaptationEnabled").GetBoolean());

            var unknown = await RunningProcess.RunDotnetAsync(Programs.CliDll, ["quarantine", "not-a-silo", .. connection], TimeSpan.FromSeconds(60));
            Assert.NotEqual(0, unknown.ExitCode);
            Assert.Contains("not a silo address", unknown.StandardError, StringComparison.Ordinal);
            Signal(frozen.Id, "CONT");
        }
        finally
        {
            foreach (var silo in silos)
            {
                Signal(silo.Id, "CONT");
                await silo.DisposeAsync();
            }
        }
    }

    private static async Task<ProcessResult> RunToolAsync(string[] arguments)
    {
        var result = await RunningProcess.RunDotnetAsync(Programs.CliDll, arguments, TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    private static RunningProcess StartSilo(string name, RedisServer redis, string clusterId)
        => RunningProcess.StartDotnet(Programs.SiloDll,
        [
            "serve",
            "--clustering", "redis",
            "--redis", redis.ConnectionString,
            "--cluster-id", clusterId,
            "--name", name,
            "--silo-port", FreePorts.One().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", FreePorts.One().ToString(CultureInfo.InvariantCulture),
            "--advertise", "127.0.0.1",
            "--sample-interval", "1s",
        ]);
}
