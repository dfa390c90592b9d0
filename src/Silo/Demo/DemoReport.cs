using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Adaptive.Client.Workload;

namespace Orleans.Adaptive.Silo.Demo;

/// <summary>
/// The demo's JSON report (schema version 1, documented in the README): per silo its samples over time and its
/// partitions over time, plus the trace and the workload's totals.
/// </summary>
internal static class DemoReport
{
    public const int SchemaVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.Strict,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static ReportDocument Build(DemoSettings demo, DemoRecorder recorder, WorkloadDriver driver, DateTimeOffset endedAt, ReportSupervisor? supervisor)
    {
        var statistics = driver.ReadStatistics();
        var replay = driver.Replay;
        return new ReportDocument(
            SchemaVersion,
            recorder.StartedAt,
            recorder.WorkloadStartedAt,
            endedAt,
            Math.Round((endedAt - recorder.StartedAt).TotalSeconds, 3),
            new ReportTrace(replay.Name, replay.Length, demo.Step.TotalSeconds, Round(replay.MeanItemsPerSecond), Round(replay.PeakItemsPerSecond)),
            new ReportWorkload(
                demo.Partitions,
                demo.Skew,
                demo.ItemCost,
                demo.Load,
                statistics.Submitted,
                statistics.Applied,
                statistics.Duplicates,
                statistics.Rejected,
                statistics.Unknown,
                statistics.Failed,
                statistics.Shed,
                Round(statistics.Latency.PercentileMs(0.5)),
                Round(statistics.Latency.PercentileMs(0.99))),
            recorder.Silos.OrderBy(static s => s.Name, StringComparer.Ordinal).Select(s => BuildSilo(s, recorder.StartedAt)).ToList(),
            supervisor);
    }

    public static async Task WriteAsync(string path, ReportDocument report, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var temporary = full + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, report, Json, cancellationToken);
        }

        // Replace in one step, so a reader never sees half a report.
        File.Move(temporary, full, overwrite: true);
    }

    private static ReportSilo BuildSilo(SiloRecord record, DateTimeOffset start)
    {
        var samples = record.Samples.Select(s => new ReportSample(
            Math.Round((s.Timestamp - start).TotalSeconds, 3),
            s.Timestamp,
            s.Sequence,
            Round(s.CpuPercent),
            Round(s.MemoryUsedMb),
            Round(s.MemoryAvailableMb),
            Round(s.RequestsPerSecond),
            Round(s.LatencyP50Ms),
            Round(s.LatencyP95Ms),
            Round(s.LatencyP99Ms),
            Round(s.ErrorRate),
            s.QueueLength,
            Round(s.Utilization),
            Round(s.WorkUnitsPerSecond),
            s.PartitionCount,
            s.ActivationCount,
            s.GcCollections,
            Round(s.GcPauseMs),
            s.ThreadPoolQueueLength,
            Round(s.MessagesSentPerSecond),
            Round(s.MessagesReceivedPerSecond),
            s.RejectedItems)).ToList();
        var partitions = samples.Select(static s => new ReportPartitionCount(s.T, s.PartitionCount)).ToList();
        var final = record.FinalPartitions?.Select(static p => new ReportPartition(p.GrainId, Round(p.ItemsPerSecond), Round(p.WorkUnitsPerSecond))).ToList();
        return new ReportSilo(record.Address, record.Name, record.Capacity, samples, partitions, final);
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 3) : null;

    private static double Round(double value) => Math.Round(value, 3);
}

internal sealed record ReportDocument(
    int SchemaVersion,
    DateTimeOffset StartedAt,
    DateTimeOffset? WorkloadStartedAt,
    DateTimeOffset EndedAt,
    double DurationSeconds,
    ReportTrace Trace,
    ReportWorkload Workload,
    IReadOnlyList<ReportSilo> Silos,
    ReportSupervisor? Supervisor);

/// <summary>What the supervisor and the autoscaler did (null when the supervisor could not be asked).</summary>
internal sealed record ReportSupervisor(
    bool AdaptationEnabled,
    long Cycles,
    long Migrations,
    long MigrationsFailed,
    double? ForecastMeanAbsoluteError,
    double? LastValueMeanAbsoluteError,
    int? DesiredSilos,
    int SilosStarted,
    int SilosStopped,
    IReadOnlyList<AdaptiveDecision> Decisions);

internal sealed record ReportTrace(string Name, int Rows, double StepSeconds, double MeanItemsPerSecond, double PeakItemsPerSecond);

internal sealed record ReportWorkload(
    int Partitions,
    double Skew,
    double ItemCost,
    double Load,
    long Submitted,
    long Applied,
    long Duplicates,
    long Rejected,
    long Unknown,
    long Failed,
    long Shed,
    double? LatencyP50Ms,
    double? LatencyP99Ms);

internal sealed record ReportSilo(
    string Id,
    string Name,
    double Capacity,
    IReadOnlyList<ReportSample> Samples,
    IReadOnlyList<ReportPartitionCount> Partitions,
    IReadOnlyList<ReportPartition>? FinalPartitions);

internal sealed record ReportSample(
    double T,
    DateTimeOffset Timestamp,
    long Sequence,
    double? Cpu,
    double? MemoryMb,
    double? MemoryAvailableMb,
    double? RequestsPerSecond,
    double? LatencyP50Ms,
    double? LatencyP95Ms,
    double? LatencyP99Ms,
    double? ErrorRate,
    double? QueueLength,
    double? Utilization,
    double? WorkUnitsPerSecond,
    double? PartitionCount,
    double? Activations,
    double? GcCollections,
    double? GcPauseMs,
    double? ThreadPoolQueueLength,
    double? MessagesSentPerSecond,
    double? MessagesReceivedPerSecond,
    double? RejectedItems);

internal sealed record ReportPartitionCount(double T, double? Count);

internal sealed record ReportPartition(string Id, double ItemsPerSecond, double WorkUnitsPerSecond);
