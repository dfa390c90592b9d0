using Orleans.Adaptive.Hosting;

namespace Orleans.Adaptive.Tests.Hosting;

public sealed class AdaptiveRuntimeOptionsValidatorTests
{
    [Fact]
    public void Defaults_AreValid() => Assert.Empty(AdaptiveRuntimeOptionsValidator.Collect(new AdaptiveRuntimeOptions()));

    [Theory]
    [InlineData("SampleInterval")]
    [InlineData("HistoryCapacity")]
    [InlineData("WorkUnitsPerSecond")]
    [InlineData("MaxQueueLength")]
    [InlineData("ProducerRetention")]
    public void EachInvalidOption_IsNamed_WithItsValue(string option)
    {
        var options = new AdaptiveRuntimeOptions();
        string expectedValue;
        switch (option)
        {
            case "SampleInterval":
                options.NodeMonitor.SampleInterval = TimeSpan.FromSeconds(-1);
                expectedValue = "-00:00:01";
                break;
            case "HistoryCapacity":
                options.NodeMonitor.HistoryCapacity = 1;
                expectedValue = "was 1";
                break;
            case "WorkUnitsPerSecond":
                options.Capacity.WorkUnitsPerSecond = double.NaN;
                expectedValue = "NaN";
                break;
            case "MaxQueueLength":
                options.Capacity.MaxQueueLength = 0;
                expectedValue = "was 0";
                break;
            default:
                options.Partitions.ProducerRetention = TimeSpan.Zero;
                expectedValue = "00:00:00";
                break;
        }

        var failure = Assert.Single(AdaptiveRuntimeOptionsValidator.Collect(options));
        Assert.Contains(option, failure, StringComparison.Ordinal);
        Assert.Contains(expectedValue, failure, StringComparison.Ordinal);
        Assert.StartsWith("Adaptive:Runtime:", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingSections_AreReported_NotThrown()
    {
        var options = new AdaptiveRuntimeOptions { NodeMonitor = null!, Capacity = null!, Partitions = null! };
        Assert.Equal(3, AdaptiveRuntimeOptionsValidator.Collect(options).Count);
    }
}
