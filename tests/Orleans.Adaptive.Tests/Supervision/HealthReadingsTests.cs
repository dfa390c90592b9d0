using Orleans.Adaptive.Monitoring;
using Orleans.Adaptive.Supervision;

namespace Orleans.Adaptive.Tests.Supervision;

public sealed class HealthReadingsTests
{
    private static readonly int ThreadPool = IndexOf(HealthReadings.ThreadPool);
    private static readonly int Cost = IndexOf(HealthReadings.Cost);

    [Fact]
    public void ASiloAloneInItsProcess_IsJudgedOnTheProcesssThreadPoolAndCpu()
    {
        var reading = HealthReadings.From(Sample(silosInProcess: 1));

        Assert.Equal(Math.Log(1 + 40), reading[ThreadPool], 12);
        Assert.Equal(60.0 / 200, reading[Cost], 12); // CPU % per request/s without a simulated capacity
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public void SilosSharingAProcess_AreNotJudgedOnWhatTheProcessShows(int silos)
    {
        var reading = HealthReadings.From(Sample(silosInProcess: silos));

        Assert.True(double.IsNaN(reading[ThreadPool]), "the thread pool is every silo's of the process");
        Assert.True(double.IsNaN(reading[Cost]), "the process's CPU is every silo's of the process");
    }

    [Fact]
    public void SilosSharingAProcess_AreStillJudgedOnTheirOwnBusyTimePerUnitOfWork()
    {
        var reading = HealthReadings.From(Sample(silosInProcess: 4) with { CapacityWorkUnitsPerSecond = 1000, Utilization = 0.4, WorkUnitsPerSecond = 350 });

        Assert.Equal(0.4 / 350, reading[Cost], 12);
    }

    [Fact]
    public void ARegisteredSilo_CountsUntilItsHandleIsDisposed_Once()
    {
        var silos = new ProcessSilos();
        var first = silos.Register();
        var second = silos.Register();
        Assert.Equal(2, silos.Count);

        second.Dispose();
        second.Dispose();
        Assert.Equal(1, silos.Count);

        first.Dispose();
        Assert.Equal(0, silos.Count);
    }

    private static int IndexOf(string metric) => Array.FindIndex(HealthReadings.Metrics, m => m.Name == metric);

    private static NodeSample Sample(int silosInProcess) => new()
    {
        Silo = "S127.0.0.1:11111:1",
        Sequence = 1,
        Timestamp = DateTimeOffset.UnixEpoch,
        IntervalSeconds = 1,
        CpuPercent = 60,
        RequestsPerSecond = 200,
        ThreadPoolQueueLength = 40,
        SilosInProcess = silosInProcess,
    };
}
