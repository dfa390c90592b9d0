using Orleans.Adaptive.Client;

namespace Orleans.Adaptive.Tests.Client;

public sealed class ParsersTests
{
    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("5s", 5)]
    [InlineData("2m", 120)]
    [InlineData("1h", 3600)]
    [InlineData("2.5", 2.5)]
    [InlineData("00:00:05", 5)]
    [InlineData("-1s", -1)]
    public void Durations_ParseInTheUsualForms(string text, double seconds)
        => Assert.Equal(TimeSpan.FromSeconds(seconds), DurationParser.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5 parsecs")]
    [InlineData("1e300h")]
    public void NotDurations_FailWithTheAcceptedForms(string text)
    {
        var exception = Assert.Throws<FormatException>(() => DurationParser.Parse(text));
        Assert.Contains("500ms", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("redis", ClusteringMode.Redis)]
    [InlineData("LocalHost", ClusteringMode.Localhost)]
    public void ClusteringModes_ParseIgnoringCase(string text, ClusteringMode mode)
        => Assert.Equal(mode, ClusteringModeParser.Parse(text));

    [Theory]
    [InlineData("zookeeper")]
    [InlineData("1")]
    [InlineData(null)]
    public void UnknownClusteringModes_ListTheValidOnes(string? text)
    {
        var exception = Assert.Throws<FormatException>(() => ClusteringModeParser.Parse(text));
        Assert.Contains("'localhost' or 'redis'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusterOptions_RequireRedisForRedisClustering_AndRealPorts()
    {
        var options = new AdaptiveClusterOptions { Clustering = ClusteringMode.Redis };
        Assert.Contains(AdaptiveClusterOptionsValidator.Collect(options), f => f.Contains("RedisConnectionString", StringComparison.Ordinal));
        options = new AdaptiveClusterOptions { GatewayPorts = [0, 70000] };
        Assert.Equal(2, AdaptiveClusterOptionsValidator.Collect(options).Count);
    }

    [Fact]
    public void RedisRedaction_HidesPasswords()
    {
        var shown = RedisProbe.Redact("10.0.0.5:6379,password=hunter2,ssl=true");
        Assert.Contains("10.0.0.5:6379", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", shown, StringComparison.Ordinal);
    }
}
