using System.Globalization;
using Orleans.Adaptive.IntegrationTests.Infrastructure;

namespace Orleans.Adaptive.IntegrationTests;

/// <summary>Bad input fails fast, with one clear line and a non-zero exit code.</summary>
public sealed class BadInputTests
{
    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Serve_WithANegativeInterval_FailsNamingTheSetting()
    {
        var result = await RunningProcess.RunDotnetAsync(Programs.SiloDll, ["serve", "--sample-interval=-1s", "--silo-port", Port(), "--gateway-port", Port()], Fast);
        AssertOneClearError(result, exitCode: 1, "Adaptive:Runtime:NodeMonitor:SampleInterval", "-00:00:01");
    }

    [Fact]
    public async Task Serve_WithANegativeIntervalFromTheEnvironment_FailsTheSameWay()
    {
        var result = await RunningProcess.RunDotnetAsync(
            Programs.SiloDll,
            ["serve", "--silo-port", Port(), "--gateway-port", Port()],
            Fast,
            new Dictionary<string, string> { ["Adaptive__Runtime__NodeMonitor__SampleInterval"] = "-5" });
        AssertOneClearError(result, exitCode: 1, "SampleInterval");
    }

    [Fact]
    public async Task Serve_WithAnUnknownClusteringMode_ListsTheValidOnes()
    {
        var result = await RunningProcess.RunDotnetAsync(Programs.SiloDll, ["serve", "--clustering", "zookeeper"], Fast);
        AssertOneClearError(result, exitCode: 1, "Adaptive:Cluster:Clustering", "'localhost' or 'redis'", "zookeeper");
    }

    [Fact]
    public async Task Serve_WithUnreachableRedis_FailsFastSayingSo()
    {
        var started = DateTime.UtcNow;
        var redis = $"127.0.0.1:{Port()}";
        var result = await RunningProcess.RunDotnetAsync(Programs.SiloDll, ["serve", "--clustering", "redis", "--redis", redis], Fast);
        AssertOneClearError(result, exitCode: 2, "Cannot reach Redis", redis);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), "It took more than 20 s to give up on Redis.");
    }

    [Fact]
    public async Task Serve_WithAMalformedSettingsFile_SaysWhichFile()
    {
        var file = Path.Combine(Path.GetTempPath(), $"adaptive-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, "{ \"Adaptive\": { ", TestContext.Current.CancellationToken);
        try
        {
            var result = await RunningProcess.RunDotnetAsync(Programs.SiloDll, ["serve", "--config", file], Fast);
            AssertOneClearError(result, exitCode: 1, "cannot read settings", Path.GetFileName(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Status_AgainstAClusterThatIsNotRunning_SaysSo()
    {
        var port = Port();
        var result = await RunningProcess.RunDotnetAsync(Programs.CliDll, ["status", "--gateway-port", port, "--timeout", "2s", "--cluster-id", $"nobody-{Guid.NewGuid():N}"], Fast);
        AssertOneClearError(result, exitCode: 2, "Cannot connect", port, "Is a silo running?");
    }

    [Fact]
    public async Task Status_WithUnreachableRedis_SaysSo()
    {
        var result = await RunningProcess.RunDotnetAsync(Programs.CliDll, ["status", "--clustering", "redis", "--redis", $"127.0.0.1:{Port()}", "--timeout", "2s"], Fast);
        AssertOneClearError(result, exitCode: 2, "Cannot reach Redis");
    }

    [Fact]
    public async Task Status_WithAnUnknownClusteringMode_ListsTheValidOnes()
    {
        var result = await RunningProcess.RunDotnetAsync(Programs.CliDll, ["status", "--clustering", "carrier-pigeon"], Fast);
        AssertOneClearError(result, exitCode: 1, "'localhost' or 'redis'");
    }

    [Fact]
    public async Task Demo_WithANegativeDuration_FailsBeforeStartingAnything()
    {
        var result = await RunningProcess.RunDotnetAsync(Programs.SiloDll, ["--duration=-5"], Fast);
        AssertOneClearError(result, exitCode: 1, "--duration");
    }

    [Fact]
    public async Task Demo_WithAMalformedTrace_NamesTheFileAndLine()
    {
        var file = Path.Combine(Path.GetTempPath(), $"trace-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "timestamp,requests\n1995-07-01 00:00:00,42\n1995-07-01 00:01:00,lots\n", TestContext.Current.CancellationToken);
        try
        {
            var result = await RunningProcess.RunDotnetAsync(Programs.SiloDll, ["--trace", file, "--duration", "5"], Fast);
            AssertOneClearError(result, exitCode: 1, $"{file}:3", "'lots'");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task AnUnknownFlag_IsAnErrorWithAHint()
    {
        var result = await RunningProcess.RunDotnetAsync(Programs.CliDll, ["status", "--colour", "blue"], Fast);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: ", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("--help", result.StandardError, StringComparison.Ordinal);
    }

    private static void AssertOneClearError(ProcessResult result, int exitCode, params string[] mentions)
    {
        Assert.True(result.ExitCode == exitCode, $"Expected exit code {exitCode}. {result}");
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"Expected exactly one line on stderr. {result}");
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        foreach (var mention in mentions)
        {
            Assert.True(lines[0].Contains(mention, StringComparison.Ordinal), $"The error should mention '{mention}'. {result}");
        }
    }

    private static string Port() => FreePorts.One().ToString(CultureInfo.InvariantCulture);
}
