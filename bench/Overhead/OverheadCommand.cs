using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Orleans.Adaptive.CommandLine;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Orleans.Adaptive.Bench.Overhead;

/// <summary>The command line of bench/Overhead and its alternating rounds.</summary>
internal static class OverheadCommand
{
    // The issue's bound: with the runtime, throughput within 3% of plain Orleans.
    private const double RatioTarget = 0.97;

    public static void Configure(RootCommand root)
    {
        var rounds = new Option<int>("--rounds") { Description = "Rounds per variant (alternating plain/adaptive, order flipped every round).", DefaultValueFactory = _ => 16 };
        var seconds = new Option<double>("--seconds") { Description = "Measured seconds per round.", DefaultValueFactory = _ => 5 };
        var concurrency = new Option<int>("--concurrency") { Description = "Calls in flight from the client.", DefaultValueFactory = _ => 200 };
        var grains = new Option<int>("--grains") { Description = "Distinct grains called.", DefaultValueFactory = _ => 1000 };
        var silos = new Option<int>("--silos") { Description = "Silos per cluster.", DefaultValueFactory = _ => 2 };
        var output = new Option<string>("--out") { Description = "Where to write the JSON results.", DefaultValueFactory = _ => "bench/results/overhead.json" };
        foreach (var option in new Option[] { rounds, seconds, concurrency, grains, silos, output })
        {
            root.Options.Add(option);
        }

        root.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new OverheadSettings(parse.GetValue(rounds), TimeSpan.FromSeconds(parse.GetValue(seconds)), parse.GetValue(concurrency), parse.GetValue(grains), parse.GetValue(silos));
            var errors = settings.Validate().ToList();
            if (errors.Count > 0)
            {
                return CommandLineRunner.Fail(ExitCodes.InvalidInput, errors);
            }

            var report = await RunAsync(settings, cancellationToken);
            await JsonOutput.WriteAsync(parse.GetValue(output)!, report, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"plain Orleans: median {report.PlainCallsPerSecond:0} calls/s; with AddAdaptiveRuntime: median {report.AdaptiveCallsPerSecond:0} calls/s; " +
                $"ratio {report.Ratio:0.000} (target ≥ {RatioTarget}: {(report.Met ? "met" : "NOT met")}); per-round ratios: quartiles {report.PairedRatios.Q1:0.00} / {report.PairedRatios.Median:0.00} / {report.PairedRatios.Q3:0.00}"));
            Console.Error.WriteLine($"Wrote {Path.GetFullPath(parse.GetValue(output)!)}");
            return ExitCodes.Success;
        });
    }

    private static async Task<OverheadReport> RunAsync(OverheadSettings settings, CancellationToken cancellationToken)
    {
        var plain = new List<double>();
        var adaptive = new List<double>();
        var rounds = new List<OverheadRound>();
        for (var round = 0; round < settings.Rounds; round++)
        {
            // ABBA: the order flips every round so drift in the machine's speed hits both variants alike.
            var order = round % 2 == 0 ? new[] { false, true } : [true, false];
            foreach (var withRuntime in order)
            {
                var rate = await MeasureAsync(settings, withRuntime, cancellationToken);
                (withRuntime ? adaptive : plain).Add(rate);
                rounds.Add(new OverheadRound(round + 1, withRuntime ? "adaptive" : "plain", JsonOutput.Round(rate, 1)));
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {round + 1}/{settings.Rounds} {(withRuntime ? "adaptive" : "plain   ")} {rate,9:0} calls/s"));
            }
        }

        var plainMedian = Median(plain);
        var adaptiveMedian = Median(adaptive);
        var ratio = adaptiveMedian / plainMedian;

        // The spread of the per-round ratios shows how noisy the machine was: on 2 shared cores it is wide.
        var paired = plain.Select((p, i) => adaptive[i] / p).Order().ToList();
        var spread = new RatioSpread(JsonOutput.Round(Quantile(paired, 0.25)), JsonOutput.Round(Median(paired)), JsonOutput.Round(Quantile(paired, 0.75)));
        return new OverheadReport(
            JsonOutput.Round(plainMedian, 1), JsonOutput.Round(adaptiveMedian, 1), JsonOutput.Round(ratio), RatioTarget, ratio >= RatioTarget, spread,
            settings.Rounds, settings.Round.TotalSeconds, settings.Concurrency, settings.Grains, settings.Silos, rounds,
            Environment.ProcessorCount, Environment.Version.ToString());
    }

    /// <summary>Starts a fresh cluster, warms it up, counts calls completed in one round, stops it.</summary>
    private static async Task<double> MeasureAsync(OverheadSettings settings, bool withRuntime, CancellationToken cancellationToken)
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
                // their own items (no call filter), the supervisor's cycle, placement views published to every silo.
                silo.AddAdaptiveRuntime();
            }
        });

        await using var cluster = builder.Build();
        await cluster.DeployAsync(cancellationToken);
        var client = cluster.Client;

        // Activate every grain and let the runtime's own start-up (monitors, supervisor) settle.
        await Task.WhenAll(Enumerable.Range(0, settings.Grains).Select(i => client.GetGrain<IPingGrain>(i).Ping(i)));
        await RunCallsAsync(client, settings, TimeSpan.FromSeconds(2), cancellationToken);
        var calls = await RunCallsAsync(client, settings, settings.Round, cancellationToken);
        return calls / settings.Round.TotalSeconds;
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

internal sealed record OverheadSettings(int Rounds, TimeSpan Round, int Concurrency, int Grains, int Silos)
{
    public IEnumerable<string> Validate()
    {
        if (Rounds < 1) yield return "--rounds must be at least 1.";
        if (Round < TimeSpan.FromSeconds(0.5)) yield return "--seconds must be at least 0.5.";
        if (Concurrency < 1) yield return "--concurrency must be at least 1.";
        if (Grains < 1) yield return "--grains must be at least 1.";
        if (Silos is < 1 or > 8) yield return "--silos must be between 1 and 8.";
    }
}

/// <summary>The JSON document <c>bench/Overhead</c> writes.</summary>
internal sealed record OverheadReport(
    double PlainCallsPerSecond,
    double AdaptiveCallsPerSecond,
    double Ratio,
    double RatioTarget,
    bool Met,
    RatioSpread PairedRatios,
    int Rounds,
    double SecondsPerRound,
    int Concurrency,
    int Grains,
    int Silos,
    IReadOnlyList<OverheadRound> Measurements,
    int ProcessorCount,
    string Runtime);

/// <summary>Quartiles of the per-round ratios adaptive ÷ plain (rounds paired in order).</summary>
internal sealed record RatioSpread(double Q1, double Median, double Q3);

internal sealed record OverheadRound(int Round, string Variant, double CallsPerSecond);
