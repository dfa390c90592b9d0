using Orleans.Adaptive.Capacity;
using Orleans.Adaptive.Learning.Statistics;
using Orleans.Adaptive.Monitoring;

namespace Orleans.Adaptive.Tests.Monitoring;

public sealed class NodeSampleCalculatorTests
{
    private const double Frequency = 1_000_000; // timestamps in microseconds

    [Fact]
    public void Calculate_TurnsCounterDifferencesIntoRatesOverTheMeasuredInterval()
    {
        var before = Counters(at: 0);
        var partition = GrainId.Create("workpartition", "p1");
        var after = Counters(at: 2_000_000) with // two seconds later
        {
            Resources = new NodeResourceReading(37.5, 512 * 1024 * 1024, 1024 * 1024 * 1024),
            GcCollections = 14,
            GcPause = TimeSpan.FromMilliseconds(30),
            Requests = Requests(latenciesMs: [1, 2, 3, 4, 100], errors: 1),
            Orleans = new OrleansCounters(MessagesSent: 400, MessagesReceived: 300, Activations: 12),
            Executor = new ExecutorCounters(Capacity: 100, BusySeconds: 1.5, InSystem: 4, Rejected: 3),
            PartitionsTracked = 1,
            Partitions = new Dictionary<GrainId, PartitionTotals> { [partition] = new(10, 150) },
            SilosInProcess = 3,
        };

        var sample = NodeSampleCalculator.Calculate("silo", 7, before, after, Frequency);

        Assert.Equal(7, sample.Sequence);
        Assert.Equal(2, sample.IntervalSeconds, 6);
        Assert.Equal(37.5, sample.CpuPercent);
        Assert.Equal(512, sample.MemoryUsedMb);
        Assert.Equal(1024, sample.MemoryAvailableMb);
        Assert.Equal(4, sample.GcCollections); // 14 - 10
        Assert.Equal(20, sample.GcPauseMs!.Value, 6); // 30 - 10
        Assert.Equal(2.5, sample.RequestsPerSecond); // 5 calls in 2 s
        Assert.Equal(0.2, sample.ErrorRate!.Value, 6);
        Assert.InRange(sample.LatencyP99Ms!.Value, 90, 107);
        Assert.InRange(sample.LatencyP50Ms!.Value, 2.8, 3.2);
        Assert.Equal(150, sample.MessagesSentPerSecond); // (400 - 100) / 2
        Assert.Equal(100, sample.MessagesReceivedPerSecond);
        Assert.Equal(12, sample.ActivationCount);
        Assert.Equal(1, sample.PartitionCount);
        Assert.Equal(75, sample.WorkUnitsPerSecond);
        Assert.Equal(100, sample.CapacityWorkUnitsPerSecond);
        Assert.Equal(0.5, sample.Utilization!.Value, 6); // (1.5 - 0.5) / 2
        Assert.Equal(4, sample.QueueLength);
        Assert.Equal(2, sample.RejectedItems);
        Assert.Equal(3, sample.SilosInProcess);
    }

    [Fact]
    public void Calculate_ReportsMissingNotZero_ForUnreadableOrInvalidReadings()
    {
        var before = Counters(at: 0);
        var after = Counters(at: 1_000_000) with
        {
            Resources = new NodeResourceReading(double.NaN, -5, null),
            ThreadPoolQueueLength = double.PositiveInfinity,
            Orleans = new OrleansCounters(MessagesSent: 50, MessagesReceived: 100, Activations: null), // sent went backwards
            Executor = new ExecutorCounters(Capacity: null, BusySeconds: 0, InSystem: 0, Rejected: 0),
        };

        var sample = NodeSampleCalculator.Calculate("silo", 1, before, after, Frequency);

        Assert.Null(sample.CpuPercent);
        Assert.Null(sample.MemoryUsedMb);
        Assert.Null(sample.MemoryAvailableMb);
        Assert.Null(sample.ThreadPoolQueueLength);
        Assert.Null(sample.ActivationCount);
        Assert.Null(sample.MessagesSentPerSecond);
        Assert.Equal(0, sample.MessagesReceivedPerSecond);
        Assert.Null(sample.CapacityWorkUnitsPerSecond); // unlimited
        Assert.Null(sample.Utilization);
        // No calls at all: there is no latency and no error rate to report, which is not the same as zero.
        Assert.Equal(0, sample.RequestsPerSecond);
        Assert.Null(sample.LatencyP50Ms);
        Assert.Null(sample.LatencyP99Ms);
        Assert.Null(sample.ErrorRate);
    }

    [Fact]
    public void Calculate_ReportsMissingRates_WhenNoTimePassed()
    {
        var counters = Counters(at: 5);
        var sample = NodeSampleCalculator.Calculate("silo", 1, counters, counters, Frequency);
        Assert.Null(sample.RequestsPerSecond);
        Assert.Null(sample.Utilization);
        Assert.Null(sample.WorkUnitsPerSecond);
    }

    [Fact]
    public void PartitionLoads_AreRatesPerPartition_BusiestFirst_CountingNewPartitionsFromZero()
    {
        var a = GrainId.Create("workpartition", "a");
        var b = GrainId.Create("workpartition", "b");
        var before = Counters(at: 0) with { Partitions = new Dictionary<GrainId, PartitionTotals> { [a] = new(10, 10) } };
        var after = Counters(at: 1_000_000) with
        {
            Partitions = new Dictionary<GrainId, PartitionTotals> { [a] = new(15, 15), [b] = new(20, 40) },
        };

        var loads = NodeSampleCalculator.PartitionLoads(before, after, Frequency);
        var sample = NodeSampleCalculator.Calculate("silo", 1, before, after, Frequency);

        Assert.Equal([b.ToString(), a.ToString()], loads.Select(l => l.GrainId));
        Assert.Equal(40, loads[0].WorkUnitsPerSecond);
        Assert.Equal(20, loads[0].ItemsPerSecond);
        Assert.Equal(5, loads[1].WorkUnitsPerSecond);
        Assert.Equal(45, sample.WorkUnitsPerSecond);
    }

    private static NodeCounters Counters(long at) => new()
    {
        Timestamp = at,
        WallClock = DateTimeOffset.UnixEpoch.AddTicks(at * 10),
        GcCollections = 10,
        GcPause = TimeSpan.FromMilliseconds(10),
        ThreadPoolQueueLength = 0,
        ThreadPoolThreads = 4,
        Requests = RequestCounters.Empty,
        Orleans = new OrleansCounters(100, 100, 10),
        Executor = new ExecutorCounters(100, 0.5, 0, 1),
    };

    private static RequestCounters Requests(double[] latenciesMs, long errors)
    {
        var histogram = new LatencyHistogram();
        foreach (var latency in latenciesMs)
        {
            histogram.Record(TimeSpan.FromMilliseconds(latency));
        }

        return new RequestCounters(histogram.Snapshot(), errors);
    }
}
