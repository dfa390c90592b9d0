namespace Orleans.Adaptive.Tests.Partitions;

public sealed class WorkItemTests
{
    [Theory]
    [InlineData("", 1, 1.0, "ProducerId")]
    [InlineData("p", 0, 1.0, "Sequence")]
    [InlineData("p", 1, -1.0, "Cost")]
    [InlineData("p", 1, double.NaN, "Cost")]
    [InlineData("p", 1, double.PositiveInfinity, "Cost")]
    public void Validate_NamesTheBadField(string producer, long sequence, double cost, string field)
    {
        var exception = Assert.Throws<ArgumentException>(() => new WorkItem(producer, sequence, cost).Validate());
        Assert.Contains(field, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IdempotencyKey_IsProducerAndSequence()
        => Assert.Equal("client-7#42", new WorkItem("client-7", 42, 0).IdempotencyKey);
}
