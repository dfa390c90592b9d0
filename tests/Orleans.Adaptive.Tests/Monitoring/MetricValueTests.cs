using Orleans.Adaptive.Monitoring;

namespace Orleans.Adaptive.Tests.Monitoring;

public sealed class MetricValueTests
{
    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(-0.001)]
    public void Clean_TurnsInvalidReadingsIntoMissing(double value) => Assert.Null(MetricValue.Clean(value));

    [Theory]
    [InlineData(0.0)]
    [InlineData(12.5)]
    public void Clean_KeepsValidReadings_ZeroIncluded(double value) => Assert.Equal(value, MetricValue.Clean(value));

    [Fact]
    public void Rate_IsMissing_ForAnEmptyIntervalOrACounterThatWentBack()
    {
        Assert.Null(MetricValue.Rate(10, 0));
        Assert.Null(MetricValue.Rate(-1, 1));
        Assert.Equal(5, MetricValue.Rate(10, 2));
    }
}
