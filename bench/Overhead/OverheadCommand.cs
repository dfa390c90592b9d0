using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Orleans.Adaptive.CommandLine;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Orleans.Adaptive.Bench.Overhead;

/// <summary>
/// The command line of bench/Overhead. The runtime's cost is measured in two parts, because on a small shared
/// machine the throughput of one cluster drifts by tens of percent from one minute to the next:
/// <list type="number">
/// <item>Per call: a plain cluster and one with <c>AddAdaptiveRuntime</c> run side by side in this process and take
/// turns in short windows (ABBA), so both see the same machine, thread pool and JIT state; the result is the ratio of
/// their median throughputs.</item>
/// <item>In the background: the CPU each cluster uses on its own while idle (monitors sampling, the supervisor's
/// cycle, views published). While the two run side by side this work would slow both alike, so it is measured
/// apart and charged to the adaptive cluster: the overall ratio is the per-call ratio × (1 − its share of the
/// machine).</item>
/// </list>
/// </summary>
internal static class OverheadCommand
{
    // The issue's bound: with the runtime, throughput within 3% of plain Orleans.
    private const double RatioTarget = 0.97;

    public static void Configure(RootCommand root)
    {
        var windows = new Option<int>("--windows") { Description = "Measured windows per variant (the variants take turns, order flipped every pair).", DefaultValueFactory = _ => 60 };
        var seconds = new Option<double>("--seconds") { Description = "Seconds per measured window.", DefaultValueFactory = _ => 2 };
        var warmup = new Option<double>("--warmup-seconds") { Description = "Calls made on each cluster before anything is measured.", DefaultValueFactory = _ => 10 };
        var idle = new Option<double>("--idle-seconds") { Description = "Seconds each cluster's idle CPU is measured, alone in the process (twice per variant).", DefaultValueFactory = _ => 20 };
        var concurrency = new Option<int>("--concurrency") { Description = "Calls in flight from the client.", DefaultValueFactory = _ => 200 };
        var grains = new Option<int>("--grains") { Description = "Distinct grains called.", DefaultValueFactory = _ => 1000 };
        var silos = new Option<int>("--silos") { Description = "Silos per cluster.", DefaultValueFactory = _ => 2 };
        var callStatistics = new Option<bool>("--call-statistics") { Description = "Also add AddAdaptiveCallStatistics (the opt-in filter on every grain call) to the adaptive cluster." };
        var output = new Option<string>("--out") { Description = "Where to write the JSON results.", DefaultValueFactory = _ => "bench/results/overhead.json" };
        foreach (var option in new Option[] { windows, seconds, warmup, idle, concurrency, grains, silos, callStatistics, output })
        {
            root.Options.Add(option);
        }

        root.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new OverheadSettings(
                parse.GetValue(windows),
                TimeSpan.FromSeconds(parse.GetValue(seconds)),
                TimeSpan.FromSeconds(parse.GetValue(warmup)),
                TimeSpan.FromSeconds(parse.GetValue(idle)),
                parse.GetValue(concurrency),
                parse.GetValue(grains),
                parse.GetValue(silos),
                parse.GetValue(callStatistics));
            var errors = settings.Validate().ToList();
            if (errors.Count > 0)
            {
                return CommandLineRunner.Fail(ExitCodes.InvalidInput, errors);
            }

            var report = await RunAsync(settings, cancellationToken);
            await JsonOutput.WriteAsync(parse.GetValue(output)!, report, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"per call: plain median {report.PlainCallsPerSecond:0} calls/s, with {settings.AdaptiveVariant} {report.AdaptiveCallsPerSecond:0}: ratio {report.CallRatio:0.000} " +
                $"(95% interval {report.CallRatioInterval95.Low:0.000}–{report.CallRatioInterval95.High:0.000}); background: {report.IdleCpuCores.Adaptive:0.0000} cores idle against " +
                $"{report.IdleCpuCores.Plain:0.0000} plain ({report.BackgroundShare:P2} of the machine); overall ratio {report.Ratio:0.000} " +
                $"(interval {report.RatioInterval95.Low:0.000}–{report.RatioInterval95.High:0.000}; target ≥ {RatioTarget}: {(report.Met ? "met" : "NOT met")}, " +
                $"{(report.MetWithConfidence ? "with" : "without")} 95% confidence)"));
            Console.Error.WriteLine($"Wrote {Path.GetFullPath(parse.GetValue(output)!)}");
            return ExitCodes.Success;
        });
    }

    private static async Task<OverheadReport> RunAsync(OverheadSettings settings, CancellationToken cancellationToken)
    {
        // Background cost first, each cluster alone in the process (the other would blur it), twice each in ABBA
        // order (the first cluster of a process also pays for the JIT's background compilation).
        var idlePlain = 0.0;
        var idleAdaptive = 0.0;
        foreach (var withRuntime in new[] { false, true, true, false })
        {
            var cores = await MeasureIdleCpuAsync(settings, withRuntime, cancellationToken) / 2;
            if (withRuntime)
            {
                idleAdaptive += cores;
            }
            else
            {
                idlePlain += cores;
            }
        }
        var backgroundShare = Math.Max(0, idleAdaptive - idlePlain) / Environment.ProcessorCount;

        await using var plainCluster = await StartAsync(settings, withRuntime: false, cancellationToken);
        await using var adaptiveCluster = await StartAsync(settings, withRuntime: true, cancellationToken);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Both clusters up; warming each up for {settings.Warmup.TotalSeconds:0} s …"));
        await RunCallsAsync(plainCluster.Client, settings, settings.Warmup, cancellationToken);
        await RunCallsAsync(adaptiveCluster.Client, settings, settings.Warmup, cancellationToken);

        var plain = new List<double>();
        var adaptive = new List<double>();
        var measurements = new List<OverheadWindow>();
        for (var pair = 0; pair < settings.Windows; pair++)
        {
            // ABBA: the order flips every pair so a drift in the machine's speed hits both variants alike.
            foreach (var withRuntime in pair % 2 == 0 ? new[] { false, true } : [true, false])
            {
                var client = (withRuntime ? adaptiveCluster : plainCluster).Client;
                var rate = await RunCallsAsync(client, settings, settings.Window, cancellationToken) / settings.Window.TotalSeconds;
                (withRuntime ? adaptive : plain).Add(rate);
                measurements.Add(new OverheadWindow(pair + 1, withRuntime ? "adaptive" : "plain", JsonOutput.Round(rate, 1)));
            }

            if ((pair + 1) % 10 == 0 || pair + 1 == settings.Windows)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {pair + 1}/{settings.Windows} pairs: median plain {Median(plain),9:0} calls/s, adaptive {Median(adaptive),9:0} calls/s"));
            }
        }

        var callRatio = Median(adaptive) / Median(plain);
        var callInterval = BootstrapRatioInterval(plain, adaptive);
        var keep = 1 - backgroundShare;
        var paired = plain.Select((p, i) => adaptive[i] / p).Order().ToList();
        return new OverheadReport(
            JsonOutput.Round(Median(plain), 1),
            JsonOutput.Round(Median(adaptive), 1),
            JsonOutput.Round(callRatio),
            callInterval,
            new IdleCpu(JsonOutput.Round(idlePlain, 5), JsonOutput.Round(idleAdaptive, 5)),
            JsonOutput.Round(backgroundShare, 5),
            JsonOutput.Round(callRatio * keep),
            new RatioInterval(JsonOutput.Round(callInterval.Low * keep), JsonOutput.Round(callInterval.High * keep)),
            RatioTarget,
            callRatio * keep >= RatioTarget,
            callInterval.Low * keep >= RatioTarget,
            new RatioSpread(JsonOutput.Round(Quantile(paired, 0.25)), JsonOutput.Round(Median(paired)), JsonOutput.Round(Quantile(paired, 0.75))),
            settings.Windows,
            settings.Window.TotalSeconds,
            settings.Warmup.TotalSeconds,
            settings.Idle.TotalSeconds,
            settings.Concurrency,
            settings.Grains,
            settings.Silos,
            settings.AdaptiveVariant,
            measurements,
            Environment.ProcessorCount,
            Environment.Version.ToString());
    }

    /// <summary>Process CPU (in cores) used by one warmed-up cluster, alone in the process, while nobody calls it.</summary>
    private static async Task<double> MeasureIdleCpuAsync(OverheadSettings settings, bool withRuntime, CancellationToken cancellationToken)
    {
        await using var cluster = await StartAsync(settings, withRuntime, cancellationToken);
        await RunCallsAsync(cluster.Client, settings, settings.Warmup, cancellationToken);

        // Let the calls' stragglers and the runtime's start-up (first samples, first supervisor cycles) pass.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.Delay(settings.Idle, cancellationToken);
        process.Refresh();
        var cores = (process.TotalProcessorTime - cpuBefore).TotalSeconds / clock.Elapsed.TotalSeconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  idle {(withRuntime ? "adaptive" : "plain   ")}: {cores:0.0000} cores over {clock.Elapsed.TotalSeconds:0} s"));
        return cores;
    }

    /// <summary>Starts a cluster and activates every grain.</summary>
    private static async Task<InProcessTestCluster> StartAsync(OverheadSettings settings, bool withRuntime, CancellationToken cancellationToken)
    {
        var builder = new InProcessTestClusterBuilder((short)settings.Silos);
        builder.Options.ClusterId = $"overhead-{Guid.NewGuid():N}"[..30];
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((_, host) => host.Logging.ClearProviders());
        builder.ConfigureClientHost(host => host.Logging.ClearProviders());
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(AdaptiveStorage.ProviderName);
            if (withRuntime)
            {
                // Defaults: node monitors sampling every 5 s (message counts budgeted), work partitions measuring
                // their own items (no call filter: AddAdaptiveCallStatistics is opt-in), the supervisor's cycle,
                // placement views published to every silo.
                silo.AddAdaptiveRuntime();
                if (settings.CallStatistics)
                {
                    silo.AddAdaptiveCallStatistics();
                }
            }
        });

        var cluster = builder.Build();
        await cluster.DeployAsync(cancellationToken);
        await Task.WhenAll(Enumerable.Range(0, settings.Grains).Select(i => cluster.Client.GetGrain<IPingGrain>(i).Ping(i)));
        return cluster;
    }

    private static async Task<long> RunCallsAsync(IClusterClient client, OverheadSettings settings, TimeSpan duration, CancellationToken cancellationToken)
    {
        long completed = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, settings.Concurrency).Select(async worker =>
        {
            var random = new Random(worker);
            while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                await client.GetGrain<IPingGrain>(random.Next(settings.Grains)).Ping(worker);
                Interlocked.Increment(ref completed);
            }
        });
        await Task.WhenAll(workers);
        return Interlocked.Read(ref completed);
    }

    /// <summary>
    /// A 95% percentile-bootstrap interval of the ratio of medians: pairs of windows resampled with replacement (a
    /// pair shares the machine's state, so they are kept together); fixed seed, so the same figures give the same
    /// interval. It says how far the machine's noise lets the ratio be trusted.
    /// </summary>
    private static RatioInterval BootstrapRatioInterval(List<double> plain, List<double> adaptive)
    {
        const int Resamples = 10_000;
        var random = new Random(20261203);
        var ratios = new List<double>(Resamples);
        var plainSample = new List<double>(plain.Count);
        var adaptiveSample = new List<double>(adaptive.Count);
        for (var r = 0; r < Resamples; r++)
        {
            plainSample.Clear();
            adaptiveSample.Clear();
            for (var i = 0; i < plain.Count; i++)
            {
                var pair = random.Next(plain.Count);
                plainSample.Add(plain[pair]);
                adaptiveSample.Add(adaptive[pair]);
            }

            ratios.Add(Median(adaptiveSample) / Median(plainSample));
        }

        ratios.Sort();
        return new RatioInterval(JsonOutput.Round(Quantile(ratios, 0.025)), JsonOutput.Round(Quantile(ratios, 0.975)));
    }

    private static double Quantile(List<double> sorted, double q)
    {
        var position = q * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

internal sealed record OverheadSettings(int Windows, TimeSpan Window, TimeSpan Warmup, TimeSpan Idle, int Concurrency, int Grains, int Silos, bool CallStatistics = false)
{
    /// <summary>What the adaptive cluster adds to plain Orleans, as the builder calls read.</summary>
    public string AdaptiveVariant => CallStatistics ? "AddAdaptiveRuntime + AddAdaptiveCallStatistics" : "AddAdaptiveRuntime";

    public IEnumerable<string> Validate()
    {
        if (Windows < 2) yield return "--windows must be at least 2.";
        if (Window < TimeSpan.FromSeconds(0.5)) yield return "--seconds must be at least 0.5.";
        if (Warmup < TimeSpan.Zero) yield return "--warmup-seconds must not be negative.";
        if (Idle < TimeSpan.FromSeconds(1)) yield return "--idle-seconds must be at least 1.";
        if (Concurrency < 1) yield return "--concurrency must be at least 1.";
        if (Grains < 1) yield return "--grains must be at least 1.";
        if (Silos is < 1 or > 8) yield return "--silos must be between 1 and 8.";
    }
}

/// <summary>The JSON document <c>bench/Overhead</c> writes.</summary>
/// <param name="PlainCallsPerSecond">Median throughput of the plain cluster's windows.</param>
/// <param name="AdaptiveCallsPerSecond">Median throughput of the adaptive cluster's windows.</param>
/// <param name="CallRatio">Per-call ratio: adaptive ÷ plain medians, both clusters side by side.</param>
/// <param name="CallRatioInterval95">Bootstrap 95% interval of <paramref name="CallRatio"/>.</param>
/// <param name="IdleCpuCores">CPU each cluster uses alone and idle.</param>
/// <param name="BackgroundShare">The adaptive runtime's idle CPU beyond plain Orleans', as a share of the machine.</param>
/// <param name="Ratio">Overall: <paramref name="CallRatio"/> × (1 − <paramref name="BackgroundShare"/>).</param>
/// <param name="RatioInterval95">The interval of <paramref name="CallRatio"/> scaled the same way.</param>
/// <param name="RatioTarget">The bound asked for.</param>
/// <param name="Met"><paramref name="Ratio"/> ≥ <paramref name="RatioTarget"/>.</param>
/// <param name="MetWithConfidence">The interval's low end ≥ <paramref name="RatioTarget"/>.</param>
/// <param name="PairedRatios">Quartiles of adaptive ÷ plain within each pair of windows.</param>
/// <param name="AdaptiveVariant">What the adaptive cluster adds: the runtime, and the call filter if asked for.</param>
internal sealed record OverheadReport(
    double PlainCallsPerSecond,
    double AdaptiveCallsPerSecond,
    double CallRatio,
    RatioInterval CallRatioInterval95,
    IdleCpu IdleCpuCores,
    double BackgroundShare,
    double Ratio,
    RatioInterval RatioInterval95,
    double RatioTarget,
    bool Met,
    bool MetWithConfidence,
    RatioSpread PairedRatios,
    int Windows,
    double SecondsPerWindow,
    double WarmupSeconds,
    double IdleSeconds,
    int Concurrency,
    int Grains,
    int Silos,
    string AdaptiveVariant,
    IReadOnlyList<OverheadWindow> Measurements,
    int ProcessorCount,
    string Runtime);

/// <summary>Quartiles of adaptive ÷ plain within each pair of windows.</summary>
internal sealed record RatioSpread(double Q1, double Median, double Q3);

/// <summary>A bootstrap confidence interval of a ratio.</summary>
internal sealed record RatioInterval(double Low, double High);

/// <summary>CPU cores used by each cluster alone and idle.</summary>
internal sealed record IdleCpu(double Plain, double Adaptive);

internal sealed record OverheadWindow(int Pair, string Variant, double CallsPerSecond);
