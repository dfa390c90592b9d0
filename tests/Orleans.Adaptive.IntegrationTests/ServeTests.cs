using System.Diagnostics;
using System.Globalization;
using Orleans.Adaptive.IntegrationTests.Infrastructure;

namespace Orleans.Adaptive.IntegrationTests;

/// <summary>`serve` on its own (localhost clustering): telemetry out, graceful shutdown.</summary>
public sealed class ServeTests
{
    [Fact]
    public async Task Serve_ExportsNodeMetricsToOpenTelemetry_AndLeavesCleanlyOnSigterm()
    {
        var siloPort = FreePorts.One().ToString(CultureInfo.InvariantCulture);
        await using var silo = RunningProcess.StartDotnet(Programs.SiloDll,
        [
            "serve", "--silo-port", siloPort, "--primary-port", siloPort,
            "--gateway-port", FreePorts.One().ToString(CultureInfo.InvariantCulture),
            "--cluster-id", $"serve-test-{Guid.NewGuid():N}",
            "--name", "telemetry-silo",
            "--sample-interval", "1s", "--telemetry", "console", "--export-interval", "1s",
        ]);

        // The console exporter prints every instrument of the Orleans.Adaptive meter, tagged with the silo.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(silo.StandardOutput.Contains("Metric Name: adaptive.node.memory.used", StringComparison.Ordinal)
                 && silo.StandardOutput.Contains("silo: 127.0.0.1:" + siloPort, StringComparison.Ordinal)))
        {
            Assert.False(silo.HasExited, $"serve exited early.\n{silo.StandardOutput}\n{silo.StandardError}");
            Assert.True(DateTime.UtcNow < deadline, $"No Orleans.Adaptive metrics exported within 60 s.\n{silo.StandardOutput}");
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        // Orleans' own meter is exported beside ours.
        Assert.Contains("Metric Name: orleans-", silo.StandardOutput, StringComparison.Ordinal);

        using (var term = Process.Start("kill", ["-TERM", silo.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(45)));
        Assert.Contains("is leaving the cluster", silo.StandardOutput, StringComparison.Ordinal);
    }
}
