using Orleans.Adaptive.Bench;
using System.CommandLine;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Orleans.Adaptive.CommandLine;

namespace Orleans.Adaptive.Bench.Learning;

/// <summary>`speed`: BenchmarkDotNet (warm-up, then measured iterations, in this process) for the detector's hot paths.</summary>
internal static class SpeedCommand
{
    // The issue's bounds: scoring one sample under 50 µs, refitting on 10,000 points under 1 s.
    private static readonly Dictionary<string, double> LimitsNanoseconds = new()
    {
        [nameof(SpeedBenchmarks.IsolationForestScoreOneSample)] = 50_000,
        [nameof(SpeedBenchmarks.IsolationForestRefit10000Points)] = 1_000_000_000,
    };

    public static Command Create()
    {
        var command = new Command("speed", "Measure the isolation forest's scoring and refitting, and the streaming detector per reading, with BenchmarkDotNet.");
        var output = new Option<string>("--out") { Description = "Where to write the JSON results.", DefaultValueFactory = _ => "bench/results/speed.json" };
        command.Options.Add(output);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var job = Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(3)
                .WithIterationCount(15)
                .WithId("in-process");
            var config = ManualConfig.CreateEmpty()
                .AddJob(job)
                .AddLogger(ConsoleLogger.Default)
                .AddColumnProvider(DefaultColumnProviders.Instance)
                .WithOptions(ConfigOptions.DisableOptimizationsValidator)
                .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "adaptive-speed"));
            var summary = BenchmarkRunner.Run<SpeedBenchmarks>(config);
            var results = summary.Reports.Select(report =>
            {
                var name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
                var statistics = report.ResultStatistics;
                double? limit = LimitsNanoseconds.TryGetValue(name, out var l) ? l : null;
                return new SpeedResult(
                    name,
                    statistics is null ? double.NaN : JsonOutput.Round(statistics.Mean, 1),
                    statistics is null ? double.NaN : JsonOutput.Round(statistics.Median, 1),
                    report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0,
                    limit,
                    limit is null || statistics is null ? null : statistics.Median < limit);
            }).ToList();
            await JsonOutput.WriteAsync(parse.GetValue(output)!, new SpeedReport(Environment.ProcessorCount, Environment.Version.ToString(), results), cancellationToken);
            foreach (var result in results)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{result.Name,-40} median {Format(result.MedianNanoseconds)}{(result.LimitNanoseconds is { } limit ? $"  (limit {Format(limit)}: {(result.WithinLimit == true ? "met" : "NOT met")})" : string.Empty)}"));
            }

            return results.Any(static r => r.WithinLimit == false) ? ExitCodes.Failed : ExitCodes.Success;
        });
        return command;
    }

    private static string Format(double nanoseconds) => nanoseconds switch
    {
        >= 1e9 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1e9:0.###} s"),
        >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1e6:0.###} ms"),
        >= 1e3 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1e3:0.###} µs"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds:0.#} ns"),
    };

    internal sealed record SpeedReport(int Processors, string Runtime, IReadOnlyList<SpeedResult> Benchmarks);

    internal sealed record SpeedResult(string Name, double MeanNanoseconds, double MedianNanoseconds, long AllocatedBytesPerOperation, double? LimitNanoseconds, bool? WithinLimit);
}
