using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Orleans.Adaptive.Client.Workload;
using Orleans.Adaptive.CommandLine;
using Orleans.Adaptive.Learning.Data;

namespace Orleans.Adaptive.Bench.Placement;

/// <summary>The command line of bench/Placement and the run over every strategy.</summary>
internal static class PlacementCommand
{
    public const string DefaultTrace = "../shared/data/traces/nasa_http_1995_requests_per_minute.csv";

    // The issue's targets for the adaptive pass against the best Orleans pass of the same run.
    private const double ImbalanceTarget = 0.85;
    private const double P99Target = 0.8;

    public static void Configure(RootCommand root)
    {
        var defaults = new PlacementSettings { TracePath = DefaultTrace, Strategies = StrategyCase.All };
        var trace = new Option<string>("--trace") { Description = "Trace CSV (timestamp plus numeric columns, as in ../shared/data/traces).", DefaultValueFactory = _ => DefaultTrace };
        var column = new Option<string?>("--trace-column") { Description = "Column replayed as the arrival rate (default: the first numeric column)." };
        var offset = new Option<int>("--trace-offset") { Description = "First trace row replayed.", DefaultValueFactory = _ => defaults.TraceOffset };
        var window = new Option<int>("--trace-window") { Description = "Trace rows replayed over the pass (time-compressed).", DefaultValueFactory = _ => defaults.TraceWindow };
        var silos = new Option<int>("--silos") { Description = "Silos in the cluster.", DefaultValueFactory = _ => defaults.Silos };
        var partitions = new Option<int>("--partitions") { Description = "Work partitions.", DefaultValueFactory = _ => defaults.Partitions };
        var duration = new Option<double>("--duration") { Description = "Measured seconds per strategy (after the warm-up).", DefaultValueFactory = _ => defaults.Duration.TotalSeconds };
        var warmup = new Option<double>("--warmup") { Description = "Seconds at the start of each pass that are not measured.", DefaultValueFactory = _ => defaults.Warmup.TotalSeconds };
        var load = new Option<double>("--load") { Description = "Mean offered load as a fraction of the cluster's capacity.", DefaultValueFactory = _ => defaults.Load };
        var skew = new Option<double>("--skew") { Description = "Zipf exponent of partition popularity.", DefaultValueFactory = _ => defaults.Skew };
        var shift = new Option<double>("--shift-every") { Description = "Seconds between hot-set shifts (0: never).", DefaultValueFactory = _ => defaults.ShiftEvery!.Value.TotalSeconds };
        var capacity = new Option<double>("--capacity") { Description = "Work units per second of a full-strength silo.", DefaultValueFactory = _ => defaults.Capacity };
        var weak = new Option<double>("--weak-capacity-fraction") { Description = "The weak silo's capacity as a fraction of the others'.", DefaultValueFactory = _ => defaults.WeakCapacityFraction };
        var weakSilo = new Option<int>("--weak-silo") { Description = "Index of the weak silo.", DefaultValueFactory = _ => defaults.WeakSilo };
        var cost = new Option<double>("--item-cost") { Description = "Work units per item.", DefaultValueFactory = _ => defaults.ItemCost };
        var seed = new Option<int>("--seed") { Description = "Seed of arrivals and partition choices (the same in every pass).", DefaultValueFactory = _ => defaults.Seed };
        var strategies = new Option<string[]>("--strategies")
        {
            Description = $"Strategies to run, in order: {string.Join(", ", StrategyCase.All.Select(s => s.Name))} (default: all).",
            AllowMultipleArgumentsPerToken = true,
        };
        var imbalanceThreshold = new Option<double?>("--imbalance-threshold") { Description = "Adaptive: a silo is hot above the balanced utilisation by this fraction (default: the runtime's)." };
        var releaseThreshold = new Option<double?>("--release-threshold") { Description = "Adaptive: a hot silo is cool again at this fraction above balance (default: the runtime's)." };
        var imbalanceWindow = new Option<double>("--imbalance-window") { Description = "Seconds over which silo utilisation is averaged before max ÷ mean.", DefaultValueFactory = _ => defaults.ImbalanceWindow.TotalSeconds };
        var decisions = new Option<string?>("--decisions-out") { Description = "Also write the adaptive pass's decisions (moves with inputs and reasons) to this JSON file." };
        var output = new Option<string>("--out") { Description = "Where to write the JSON results.", DefaultValueFactory = _ => "bench/results/placement.json" };
        foreach (var option in new Option[] { trace, column, offset, window, silos, partitions, duration, warmup, load, skew, shift, capacity, weak, weakSilo, cost, seed, strategies, imbalanceThreshold, releaseThreshold, imbalanceWindow, decisions, output })
        {
            root.Options.Add(option);
        }

        root.SetAction(async (parse, cancellationToken) =>
        {
            var errors = new List<string>();
            var chosen = new List<StrategyCase>();
            foreach (var name in parse.GetValue(strategies) is { Length: > 0 } names ? names.SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) : StrategyCase.All.Select(s => s.Name))
            {
                if (StrategyCase.Find(name) is { } found)
                {
                    chosen.Add(found);
                }
                else
                {
                    errors.Add($"--strategies: unknown strategy '{name}' (known: {string.Join(", ", StrategyCase.All.Select(s => s.Name))}).");
                }
            }

            var shiftSeconds = parse.GetValue(shift);
            var settings = new PlacementSettings
            {
                TracePath = parse.GetValue(trace)!,
                TraceColumn = parse.GetValue(column),
                TraceOffset = parse.GetValue(offset),
                TraceWindow = parse.GetValue(window),
                Silos = parse.GetValue(silos),
                Partitions = parse.GetValue(partitions),
                Duration = Seconds(parse.GetValue(duration)),
                Warmup = Seconds(parse.GetValue(warmup)),
                Load = parse.GetValue(load),
                Skew = parse.GetValue(skew),
                ShiftEvery = shiftSeconds == 0 ? null : Seconds(shiftSeconds),
                Capacity = parse.GetValue(capacity),
                WeakCapacityFraction = parse.GetValue(weak),
                WeakSilo = parse.GetValue(weakSilo),
                ItemCost = parse.GetValue(cost),
                Seed = parse.GetValue(seed),
                Strategies = chosen,
                DecisionsPath = parse.GetValue(decisions),
                ImbalanceWindow = Seconds(parse.GetValue(imbalanceWindow)),
                ImbalanceThreshold = parse.GetValue(imbalanceThreshold),
                ReleaseThreshold = parse.GetValue(releaseThreshold),
            };
            errors.AddRange(settings.Validate());
            if (errors.Count > 0)
            {
                return CommandLineRunner.Fail(ExitCodes.InvalidInput, errors);
            }

            TimeSeries series;
            try
            {
                series = TimeSeriesCsv.Read(settings.TracePath, settings.TraceColumn);
            }
            catch (Exception exception) when (exception is TimeSeriesFormatException or FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
            {
                return CommandLineRunner.Fail(ExitCodes.InvalidInput, $"--trace: {CommandLineRunner.FirstLine(exception.Message)}");
            }

            if (settings.TraceOffset + 2 > series.Count)
            {
                return CommandLineRunner.Fail(ExitCodes.InvalidInput, $"--trace-offset {settings.TraceOffset} leaves fewer than 2 of the trace's {series.Count} rows.");
            }

            return await RunAsync(settings, series, parse.GetValue(output)!, cancellationToken);
        });
    }

    private static TimeSpan Seconds(double value) => double.IsFinite(value) ? TimeSpan.FromSeconds(value) : TimeSpan.MinValue;

    private static async Task<int> RunAsync(PlacementSettings settings, TimeSeries series, string output, CancellationToken cancellationToken)
    {
        var rows = Math.Min(settings.TraceWindow, series.Count - settings.TraceOffset);
        var slice = series.Slice(settings.TraceOffset, rows);
        var step = (settings.Warmup + settings.Duration) / rows;
        TraceReplay replay;
        try
        {
            replay = new TraceReplay(slice, step, settings.MeanItemsPerSecond);
        }
        catch (ArgumentException exception)
        {
            return CommandLineRunner.Fail(ExitCodes.InvalidInput, $"--trace: {CommandLineRunner.FirstLine(exception.Message)}");
        }

        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var capacities = Enumerable.Range(0, settings.Silos).Select(settings.CapacityOf).ToList();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Trace {series.Name}: rows {settings.TraceOffset}-{settings.TraceOffset + rows - 1} over {(settings.Warmup + settings.Duration).TotalSeconds:0} s ({step.TotalSeconds:0.###} s per row), mean {replay.MeanItemsPerSecond:0} items/s, peak {replay.PeakItemsPerSecond:0}/s; " +
            $"{settings.Silos} silos (capacities {string.Join('/', capacities)} units/s), {settings.Partitions} partitions, skew {settings.Skew}, hot set shifts {(settings.ShiftEvery is { } s ? $"every {s.TotalSeconds:0} s" : "never")}."));

        var results = new List<StrategyResult>();
        for (var i = 0; i < settings.Strategies.Count; i++)
        {
            var strategy = settings.Strategies[i];
            Console.Error.WriteLine($"[{i + 1}/{settings.Strategies.Count}] {strategy.Name}: {strategy.Description}");
            var result = await new PlacementPass(strategy, settings, replay, Console.Error).RunAsync(cancellationToken);
            results.Add(result);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  => imbalance {result.Imbalance:0.000}  p50 {result.P50Ms:0.0} ms  p99 {result.P99Ms:0.0} ms  throughput {result.Throughput:0.0}/s  failed {result.Failed}  lost {result.Lost}  migrations {result.Migrations}  ({clock.Elapsed.TotalMinutes:0.0} min so far)"));
        }

        var comparison = Compare(results);
        var report = new PlacementReport(
            series.Name,
            settings.TracePath,
            new PlacementRunSettings(
                settings.Silos, settings.Partitions, settings.Duration.TotalSeconds, settings.Warmup.TotalSeconds, settings.Load, settings.Skew,
                settings.ShiftEvery?.TotalSeconds, capacities, settings.ItemCost, JsonOutput.Round(settings.MeanItemsPerSecond, 2),
                settings.TraceOffset, rows, JsonOutput.Round(step.TotalSeconds), settings.SampleInterval.TotalSeconds, settings.ImbalanceWindow.TotalSeconds, settings.Seed),
            results,
            comparison,
            Environment.ProcessorCount,
            Environment.Version.ToString(),
            startedAt,
            JsonOutput.Round(clock.Elapsed.TotalSeconds, 1));
        await JsonOutput.WriteAsync(output, report, cancellationToken);
        PrintSummary(results, comparison);
        Console.Error.WriteLine($"Wrote {Path.GetFullPath(output)}");
        return ExitCodes.Success;
    }

    /// <summary>The adaptive pass against the best Orleans pass on each measure; null unless both ran.</summary>
    private static PlacementComparison? Compare(List<StrategyResult> results)
    {
        var adaptive = results.FirstOrDefault(r => r.Name == "adaptive");
        var orleans = results.Where(r => r.Name.StartsWith("orleans-", StringComparison.Ordinal)).ToList();
        if (adaptive is null || orleans.Count == 0)
        {
            return null;
        }

        var bestImbalance = orleans.MinBy(r => double.IsFinite(r.Imbalance) ? r.Imbalance : double.MaxValue)!;
        var bestP99 = orleans.MinBy(r => r.P99Ms ?? double.MaxValue)!;
        var imbalanceRatio = JsonOutput.Round(adaptive.Imbalance / bestImbalance.Imbalance);
        var p99Ratio = JsonOutput.Round((adaptive.P99Ms ?? double.NaN) / (bestP99.P99Ms ?? double.NaN));
        var noLoss = adaptive.Lost == 0 && adaptive.Duplicated == 0;
        var withinBudget = adaptive.MaxMigrationsInOneCycle <= adaptive.MigrationBudgetPerCycle;
        return new PlacementComparison(
            bestImbalance.Name, imbalanceRatio, bestP99.Name, p99Ratio, ImbalanceTarget, P99Target, noLoss, withinBudget,
            Met: imbalanceRatio <= ImbalanceTarget && p99Ratio <= P99Target && noLoss && withinBudget);
    }

    private static void PrintSummary(List<StrategyResult> results, PlacementComparison? comparison)
    {
        Console.WriteLine();
        Console.WriteLine($"{"strategy",-28} {"imbalance",9} {"p50 ms",8} {"p99 ms",8} {"items/s",8} {"failed",7} {"lost",5} {"migr.",6}");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name,-28} {r.Imbalance,9:0.000} {r.P50Ms,8:0.0} {r.P99Ms,8:0.0} {r.Throughput,8:0.0} {r.Failed,7} {r.Lost,5} {r.Migrations,6}"));
        }

        if (comparison is not null)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"adaptive vs best Orleans: imbalance ×{comparison.ImbalanceRatio:0.00} (vs {comparison.BestOrleansByImbalance}; target ≤ {comparison.ImbalanceTarget}), " +
                $"p99 ×{comparison.P99Ratio:0.00} (vs {comparison.BestOrleansByP99}; target ≤ {comparison.P99Target}), no lost work: {comparison.NoLostWork}, migrations within budget: {comparison.MigrationsWithinBudget} => {(comparison.Met ? "met" : "NOT met")}"));
        }
    }
}
