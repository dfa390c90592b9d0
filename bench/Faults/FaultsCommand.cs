using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Orleans.Adaptive.Client.Workload;
using Orleans.Adaptive.CommandLine;
using Orleans.Adaptive.Learning.Data;
using Orleans.Adaptive.Learning.Numerics;

namespace Orleans.Adaptive.Bench.Faults;

/// <summary>The command line of bench/Faults: which scenarios, seeds and modes, and where the results go.</summary>
internal static class FaultsCommand
{
    public const string DefaultScenarios = "bench/scenarios";
    public const string DefaultData = "../shared/data";

    /// <summary>The issue's bar for degrading faults: flagged at least this long before the real failure.</summary>
    private const double LeadTarget = 30;

    public static void Configure(RootCommand root)
    {
        var scenarioFiles = new Option<string[]>("--scenario") { Description = "Scenario JSON file(s) (format in bench/README.md).", AllowMultipleArgumentsPerToken = true };
        var all = new Option<bool>("--all") { Description = $"Run every scenario in --scenarios (default {DefaultScenarios})." };
        var directory = new Option<string>("--scenarios") { Description = "Folder of scenarios for --all.", DefaultValueFactory = _ => DefaultScenarios };
        var seeds = new Option<int>("--seeds") { Description = "Seeded runs per mode (each seed moves the faults' timing, silos and noise).", DefaultValueFactory = _ => 1 };
        var firstSeed = new Option<int>("--first-seed") { Description = "First seed.", DefaultValueFactory = _ => 1 };
        var modes = new Option<string[]>("--modes") { Description = "orleans, adaptive or both (default: both, orleans first).", AllowMultipleArgumentsPerToken = true };
        var data = new Option<string>("--data") { Description = "Folder the scenarios' traces are relative to.", DefaultValueFactory = _ => DefaultData };
        var output = new Option<string>("--out") { Description = "JSON results: a file for one scenario, a folder for several (faults-NAME.json each).", DefaultValueFactory = _ => "bench/results/faults.json" };
        foreach (var option in new Option[] { scenarioFiles, all, directory, seeds, firstSeed, modes, data, output })
        {
            root.Options.Add(option);
        }

        root.SetAction(async (parse, cancellationToken) =>
        {
            var errors = new List<string>();
            var files = (parse.GetValue(scenarioFiles) ?? []).ToList();
            if (parse.GetValue(all))
            {
                var folder = parse.GetValue(directory)!;
                if (!Directory.Exists(folder))
                {
                    return CommandLineRunner.Fail(ExitCodes.InvalidInput, $"scenario folder '{folder}' does not exist.");
                }

                files.AddRange(Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal));
            }

            if (files.Count == 0)
            {
                errors.Add("name a scenario with --scenario FILE, or run them all with --all.");
            }

            var scenarios = new List<FaultScenario>();
            foreach (var file in files)
            {
                try
                {
                    scenarios.Add(FaultScenario.Read(file));
                }
                catch (InvalidDataException exception)
                {
                    errors.Add(exception.Message);
                }
            }

            var chosenModes = (parse.GetValue(modes) is { Length: > 0 } m ? m.SelectMany(x => x.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) : ["orleans", "adaptive"]).ToList();
            errors.AddRange(chosenModes.Where(x => x is not ("orleans" or "adaptive")).Select(x => $"--modes takes orleans and adaptive (was '{x}')."));
            if (parse.GetValue(seeds) is < 1 or > 1000)
            {
                errors.Add("--seeds must be between 1 and 1000.");
            }

            if (errors.Count > 0)
            {
                return CommandLineRunner.Fail(ExitCodes.InvalidInput, errors);
            }

            var outPath = parse.GetValue(output)!;
            var several = scenarios.Count > 1;
            foreach (var scenario in scenarios)
            {
                TraceReplay replay;
                try
                {
                    replay = LoadTrace(scenario, parse.GetValue(data)!);
                }
                catch (Exception exception) when (exception is IOException or TimeSeriesFormatException or InvalidDataException or UnauthorizedAccessException)
                {
                    return CommandLineRunner.Fail(ExitCodes.InvalidInput, $"scenario {scenario.Name}: {CommandLineRunner.FirstLine(exception.Message)}");
                }

                var report = await RunScenarioAsync(scenario, replay, chosenModes, parse.GetValue(firstSeed), parse.GetValue(seeds), cancellationToken);
                var path = several ? Path.Combine(outPath, $"faults-{scenario.Name}.json") : outPath;
                await JsonOutput.WriteAsync(path, report, cancellationToken);
                PrintSummary(report);
                Console.Error.WriteLine($"Wrote {Path.GetFullPath(path)}");
            }

            return ExitCodes.Success;
        });
    }

    private static async Task<ScenarioReport> RunScenarioAsync(FaultScenario scenario, TraceReplay replay, IReadOnlyList<string> modes, int firstSeed, int seeds, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var wall = Stopwatch.StartNew();
        var runs = new List<RunReport>();
        Console.Error.WriteLine($"Scenario {scenario.Name} ({scenario.Host}, {scenario.Silos} silos, {scenario.DurationSeconds:0} s a run): {seeds} seed(s) × {string.Join(", ", modes)}");
        for (var seed = firstSeed; seed < firstSeed + seeds; seed++)
        {
            var plan = ScenarioPlan.For(scenario, seed);
            foreach (var mode in modes)
            {
                var adaptive = mode == "adaptive";
                Console.Error.WriteLine($"  {mode} seed {seed}: {string.Join("; ", plan.Faults.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.KindName} on silo {f.Silo} at {f.StartSeconds:0} s, ramp {f.RampSeconds:0} s")))}{(plan.Blips.Count > 0 ? $"; {plan.Blips.Count} blips" : "")}");
                var run = new FaultRun(plan, adaptive, replay, () => StartHostAsync(scenario, adaptive, cancellationToken), Console.Error);
                var report = await run.RunAsync(cancellationToken);
                runs.Add(report);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {mode} seed {seed}: {string.Join("; ", report.Faults.Select(Describe))}; false alarms {report.FalseAlarms}; lost {report.Lost}, duplicated {report.Duplicated}, failed at client {report.FailedAtClient}; p99 {report.P99Ms:0} ms ({report.WallSeconds:0} s)"));
            }
        }

        return new ScenarioReport(scenario.Name, scenario.Description, scenario.Host, runs, Summarize(runs, modes), Environment.ProcessorCount, Environment.Version.ToString(), startedAt, Math.Round(wall.Elapsed.TotalSeconds, 1));
    }

    private static async Task<IFaultHost> StartHostAsync(FaultScenario scenario, bool adaptive, CancellationToken cancellationToken)
        => scenario.Host == FaultScenario.InProcess
            ? await InProcessHost.StartAsync(scenario, adaptive, cancellationToken)
            : await ProcessHost.StartAsync(scenario, adaptive, cancellationToken);

    private static string Describe(FaultReport fault)
        => string.Create(CultureInfo.InvariantCulture,
            $"{fault.Kind}@{fault.Silo} failed {Format(fault.FailedAtSeconds)} s, flagged {Format(fault.DetectedAtSeconds)} s (lead {Format(fault.LeadTimeSeconds)} s), recovered in {Format(fault.RecoverySeconds)} s");

    private static string Format(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "-";

    private static List<ModeSummary> Summarize(List<RunReport> runs, IReadOnlyList<string> modes)
    {
        var summaries = new List<ModeSummary>();
        foreach (var mode in modes)
        {
            var ofMode = runs.Where(r => r.Mode == mode).ToList();
            var kinds = ofMode.SelectMany(r => r.Faults).GroupBy(f => f.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
            {
                var leads = g.Where(f => f.LeadTimeSeconds is not null).Select(f => f.LeadTimeSeconds!.Value).ToArray();
                var recoveries = g.Where(f => f.RecoverySeconds is not null).Select(f => f.RecoverySeconds!.Value).ToArray();
                return new KindSummary(
                    g.Key,
                    g.Count(),
                    g.Count(f => f.Detected),
                    g.Count(f => f.LeadTimeSeconds >= LeadTarget),
                    leads.Length > 0 ? Math.Round(Descriptive.Median(leads), 2) : null,
                    leads.Length > 0 ? Math.Round(leads.Min(), 2) : null,
                    recoveries.Length > 0 ? Math.Round(Descriptive.Median(recoveries), 2) : null,
                    recoveries.Length > 0 ? Math.Round(recoveries.Max(), 2) : null,
                    g.Where(f => f.DegradationSeconds is not null).Select(f => f.DegradationSeconds!.Value).DefaultIfEmpty(double.NaN).Min() is var d && double.IsFinite(d) ? Math.Round(d, 2) : null);
            }).ToList();
            var hours = ofMode.Sum(r => r.HealthySiloHours);
            var falseAlarms = ofMode.Sum(r => r.FalseAlarms);
            summaries.Add(new ModeSummary(
                mode,
                ofMode.Count,
                kinds,
                falseAlarms,
                Math.Round(hours, 4),
                hours > 0 ? Math.Round(falseAlarms / hours, 3) : null,
                ofMode.Sum(r => r.Lost),
                ofMode.Sum(r => r.Duplicated),
                ofMode.Sum(r => r.FailedAtClient)));
        }

        return summaries;
    }

    private static void PrintSummary(ScenarioReport report)
    {
        Console.WriteLine($"{report.Scenario}:");
        foreach (var mode in report.Summary)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {mode.Mode,-8} {mode.Runs} run(s); false alarms {mode.FalseAlarms} in {mode.HealthySiloHours:0.00} healthy silo-hours; lost {mode.Lost}, duplicated {mode.Duplicated}, failed at client {mode.FailedAtClient}"));
            foreach (var kind in mode.Kinds)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"           {kind.Kind,-14} {kind.Detected}/{kind.Faults} flagged, {kind.LeadAtLeast30s}/{kind.Faults} with lead ≥ {LeadTarget:0} s (median {Format(kind.MedianLeadTimeSeconds)} s, min {Format(kind.MinLeadTimeSeconds)} s); recovery median {Format(kind.MedianRecoverySeconds)} s, max {Format(kind.MaxRecoverySeconds)} s; shortest degradation {Format(kind.MinDegradationSeconds)} s"));
            }
        }
    }

    /// <summary>The scenario's trace from <paramref name="data"/>, or the NASA excerpt shipped with the demo.</summary>
    private static TraceReplay LoadTrace(FaultScenario scenario, string data)
    {
        var path = string.IsNullOrWhiteSpace(scenario.Trace)
            ? Path.Combine(AppContext.BaseDirectory, "Traces", "nasa_http_1995_excerpt.csv")
            : Path.Combine(data, scenario.Trace);
        if (!File.Exists(path))
        {
            throw new IOException($"trace '{path}' does not exist (pass --data with the folder of ../shared/data, or leave \"trace\" out to use the shipped excerpt).");
        }

        var series = TimeSeriesCsv.Read(path);
        var rows = Math.Min(series.Count, (int)Math.Ceiling(scenario.DurationSeconds / scenario.TraceStepSeconds) + 1);
        var meanItems = scenario.Load * scenario.Silos * scenario.Capacity / scenario.ItemCost;
        return new TraceReplay(series.Slice(0, rows), TimeSpan.FromSeconds(scenario.TraceStepSeconds), meanItems);
    }
}
