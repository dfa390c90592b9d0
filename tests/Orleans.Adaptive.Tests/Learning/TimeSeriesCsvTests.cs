using Orleans.Adaptive.Learning.Data;

namespace Orleans.Adaptive.Tests.Learning;

public sealed class TimeSeriesCsvTests
{
    [Fact]
    public void Reads_NabFormat_WithCalendarTimes()
    {
        var series = Read("timestamp,value\n2014-02-14 14:30:00,1.5\n2014-02-14 14:35:00,2\n2014-02-14 14:40:00,3.25\n");
        Assert.Equal("value", series.ValueColumn);
        Assert.Equal([1.5, 2, 3.25], series.Values);
        Assert.Equal(new DateTime(2014, 2, 14, 14, 35, 0), series.CalendarTimes![1]);
        Assert.Equal(TimeSpan.FromMinutes(5), series.MedianStep);
    }

    [Fact]
    public void Reads_TheFirstValueColumn_OrTheOneAskedFor()
    {
        const string Csv = "timestamp,requests,server_down\n1995-07-01 00:00:00,42,0\n1995-07-01 00:01:00,61,1\n";
        Assert.Equal([42.0, 61.0], Read(Csv).Values);
        Assert.Equal([0.0, 1.0], Read(Csv, "server_down").Values);
    }

    [Fact]
    public void Reads_FilesWithoutTimes_AndTimesInSeconds()
    {
        var noTime = Read("avg_cpu,avg_mem\n0.44,0.33\n0.43,0.32\n");
        Assert.Null(noTime.CalendarTimes);
        Assert.Null(noTime.OffsetSeconds);
        Assert.Equal([0.44, 0.43], noTime.Values);

        var seconds = Read("timestamp,cpu_usage\n300,10\n600,11\n900,12\n");
        Assert.Equal([0.0, 300, 600], seconds.OffsetSeconds!);
        Assert.Equal(TimeSpan.FromMinutes(5), seconds.MedianStep);
    }

    [Fact]
    public void KeepsMissingValuesAsNaN_AndRepeatedTimestampsInOrder()
    {
        var series = Read("timestamp,value\n2014-03-09 03:00:00,1\n2014-03-09 03:00:00,\n2014-03-09 03:00:00,NaN\n2014-03-09 02:55:00,4\n");
        Assert.Equal(4, series.Count);
        Assert.Equal(2, series.PresentCount);
        Assert.True(double.IsNaN(series.Values[1]));
        Assert.Equal(4, series.Values[3]);
    }

    [Theory]
    [InlineData("", 0, "empty")]
    [InlineData("timestamp,value\n", 0, "no data rows")]
    [InlineData("timestamp,value\n2014-01-01 00:00:00,abc\n", 2, "'abc'")]
    [InlineData("timestamp,value\n2014-01-01 00:00:00,1\n2014-01-01 00:05:00\n", 3, "expected 2 cells")]
    [InlineData("timestamp,value\nyesterday,1\n", 2, "neither a time")]
    [InlineData("timestamp,value\n2014-01-01 00:00:00,inf\n", 2, "not a finite number")]
    [InlineData("timestamp,value\n300,1\n2014-01-01 00:00:00,2\n", 3, "calendar time")]
    [InlineData("timestamp\n2014-01-01 00:00:00\n", 1, "no value column")]
    [InlineData("timestamp,value\n\"2014-01-01,1\n", 2, "not closed")]
    public void MalformedFiles_FailWithFileAndLine(string csv, int line, string problem)
    {
        var exception = Assert.Throws<TimeSeriesFormatException>(() => Read(csv));
        Assert.Equal(line, exception.Line);
        Assert.Contains(problem, exception.Message, StringComparison.Ordinal);
        Assert.StartsWith("test.csv", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownColumn_ListsTheColumnsThereAre()
    {
        var exception = Assert.Throws<TimeSeriesFormatException>(() => Read("timestamp,value\n2014-01-01 00:00:00,1\n", "requests"));
        Assert.Contains("'timestamp', 'value'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingFile_SaysWhere()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.csv");
        var exception = Assert.Throws<FileNotFoundException>(() => TimeSeriesCsv.Read(path));
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Slice_KeepsValuesAndTimesTogether()
    {
        var series = Read("timestamp,value\n2014-01-01 00:00:00,1\n2014-01-01 00:05:00,2\n2014-01-01 00:10:00,3\n");
        var slice = series.Slice(1, 2);
        Assert.Equal([2.0, 3.0], slice.Values);
        Assert.Equal(new DateTime(2014, 1, 1, 0, 5, 0), slice.CalendarTimes![0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => series.Slice(2, 2));
    }

    private static TimeSeries Read(string csv, string? column = null)
        => TimeSeriesCsv.Read(new StringReader(csv), "test.csv", "test", column);
}
