using System.Diagnostics;
using System.Globalization;
using Orleans.Adaptive.IntegrationTests.Infrastructure;

namespace Orleans.Adaptive.IntegrationTests;

/// <summary>Silos as separate `serve` processes, clustered through a real redis-server, inspected with `adaptive status`.</summary>
public sealed class RedisClusterTests
{
    [Fact]
    public async Task TwoServeSilos_FormAClusterThroughRedis_AndAKilledOneIsReportedDead()
    {
        await using var redis = await RedisServer.StartAsync();
        var clusterId = $"test-{Guid.NewGuid():N}";
        string[] connection = ["--clustering", "redis", "--redis", redis.ConnectionString, "--cluster-id", clusterId, "--timeout", "10s"];

        await using var first = StartSilo("silo-a", redis, clusterId);
        await using var second = StartSilo("silo-b", redis, clusterId);
        string Diagnostics() => $"silo-a stderr:\n{first.StandardError}\nsilo-a stdout:\n{first.StandardOutput}\nsilo-b stderr:\n{second.StandardError}\nsilo-b stdout:\n{second.StandardOutput}";

        // Both silos join, and each one's node monitor answers with a sample.
        using (var status = await StatusProbe.WaitForAsync(
            connection,
            root => StatusProbe.Silos(root).Count(s => StatusProbe.Status(s) == "Active" && StatusProbe.HasSample(s)) == 2,
            TimeSpan.FromSeconds(120),
            Diagnostics))
        {
            var silos = StatusProbe.Silos(status.RootElement).ToList();
            Assert.Equal(["silo-a", "silo-b"], silos.Select(StatusProbe.Name).Order());
            Assert.Equal(2, status.RootElement.GetProperty("summary").GetProperty("active").GetInt32());
            foreach (var silo in silos)
            {
                var latest = silo.GetProperty("latest");
                Assert.InRange(latest.GetProperty("cpuPercent").GetDouble(), 0, 100);
                Assert.True(latest.GetProperty("memoryUsedMb").GetDouble() > 0);
            }
        }

        // SIGKILL one: no graceful leave, so only failure detection can tell the others.
        var killed = Stopwatch.StartNew();
        second.Kill();
        using (var status = await StatusProbe.WaitForAsync(
            connection,
            root => StatusProbe.Silos(root).Any(s => StatusProbe.Name(s) == "silo-b" && StatusProbe.Status(s) == "Dead"),
            TimeSpan.FromSeconds(150),
            Diagnostics))
        {
            var silos = StatusProbe.Silos(status.RootElement).ToDictionary(StatusProbe.Name);
            Assert.Equal("Active", StatusProbe.Status(silos["silo-a"]));
            Assert.Equal(1, status.RootElement.GetProperty("summary").GetProperty("dead").GetInt32());
            TestContext.Current.TestOutputHelper?.WriteLine($"silo-b reported Dead {killed.Elapsed.TotalSeconds:0.0} s after SIGKILL");
        }

        Assert.False(first.HasExited, Diagnostics());
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
