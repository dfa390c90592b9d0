using Orleans.Adaptive.Bench;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Orleans.Adaptive.CommandLine;
using Orleans.Adaptive.Learning.Anomaly;
using Orleans.Adaptive.Learning.Data;
using Orleans.Adaptive.Learning.Evaluation;

namespace Orleans.Adaptive.Bench.Learning;

/// <summary>
/// `detect`: runs each detector in streaming mode over NAB-format files and scores it the NAB way (three profiles),
/// plus window precision, recall, F1 and lead time. Thresholds are fixed, or chosen on a different labelled corpus:
/// never on the labels of the files being scored.
/// </summary>
internal static class DetectCommand
{
    private const string DefaultData = "../shared/data/nab";
    private const string DefaultLabels = "../shared/data/nab/labels/combined_windows.json";
    // 0.00-0.99 in steps of 0.01, then 1 - 10^-k: scores that are tail probabilities need thresholds very close to 1.
    private static readonly double[] SweepThresholds = [.. Enumerable.Range(0, 100).Select(static i => i / 100.0), .. Enumerable.Range(3, 8).Select(static k => 1 - Math.Pow(10, -k))];

    public static Command Create()
    {
        var command = new Command("detect", "Evaluate the anomaly detectors on labelled NAB-format data (NAB score for three profiles, window precision/recall/F1, lead time).");
        var data = new Option<string>("--data") { Description = "Folder of NAB-format CSV files (default ../shared/data/nab).", DefaultValueFactory = _ => DefaultData };
        var labels = new Option<string>("--labels") { Description = "combined_windows.json for those files.", DefaultValueFactory = _ => DefaultLabels };
        var output = new Option<string>("--out") { Description = "Where to write the JSON results.", DefaultValueFactory = _ => "bench/results/detect.json" };
        var threshold = new Option<double?>("--threshold") { Description = "Fixed score threshold for every detector and profile (default: each detector's own; see README)." };
        var tuneData = new Option<string?>("--tune-data") { Description = "Choose each detector's threshold per profile on this other labelled folder instead." };
        var tuneLabels = new Option<string?>("--tune-labels") { Description = "The windows file of --tune-data." };
        var detectors = new Option<string?>("--detectors") { Description = $"Comma-separated subset of: {string.Join(", ", DetectorCatalog.Names)}." };
        var set = new Option<string[]>("--set") { Description = "Override a streaming-detector option, e.g. --set ClearCount=60 (repeatable).", AllowMultipleArgumentsPerToken = true };
        foreach (var option in new Option[] { data, labels, output, threshold, tuneData, tuneLabels, detectors, set })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var errors = new List<string>();
            var selected = DetectorCatalog.Names.ToList();
            if (parse.GetValue(detectors) is { } list)
            {
                selected = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
                errors.AddRange(selected.Where(d => !DetectorCatalog.Names.Contains(d)).Select(d => $"--detectors: unknown detector '{d}' (known: {string.Join(", ", DetectorCatalog.Names)})."));
            }

            if (parse.GetValue(tuneData) is null != parse.GetValue(tuneLabels) is null)
            {
                errors.Add("--tune-data and --tune-labels go together.");
            }

            if (parse.GetValue(threshold) is { } t && (t < 0 || t > 1) )
            {
                errors.Add($"--threshold must be between 0 and 1 (was {t}).");
            }

            var options = DetectorCatalog.ApplyOverrides(new StreamingDetectorOptions(), parse.GetValue(set) ?? [], errors);
            if (errors.Count > 0)
            {
                return CommandLineRunner.Fail(ExitCodes.InvalidInput, errors);
            }

            if (parse.GetValue(set) is { Length: > 0 })
            {
                DetectorCatalog.Options = options;
            }
            try
            {
                var corpus = NabCorpus.Load(parse.GetValue(data)!, parse.GetValue(labels)!);
                var tuning = parse.GetValue(tuneData) is { } tuneFolder ? NabCorpus.Load(tuneFolder, parse.GetValue(tuneLabels)!) : null;
                return await RunAsync(corpus, tuning, parse.GetValue(threshold), selected, parse.GetValue(output)!, cancellationToken);
            }
            catch (Exception exception) when (exception is FormatException or FileNotFoundException or DirectoryNotFoundException)
            {
                return CommandLineRunner.Fail(ExitCodes.InvalidInput, exception.Message);
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(NabCorpus corpus, NabCorpus? tuning, double? fixedThreshold, List<string> detectors, string output, CancellationToken cancellationToken)
    {
        Console.Error.WriteLine($"Scoring {corpus.Files.Count} files ({corpus.Files.Sum(static f => f.Windows.Count)} windows) from {corpus.Root}" +
            (tuning is null ? string.Empty : $"; thresholds chosen on {tuning.Files.Count} other files from {tuning.Root}"));
        var clock = Stopwatch.StartNew();
        var results = new List<DetectorResult>();
        foreach (var name in detectors)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = clock.Elapsed;
            var runs = DetectorCatalog.Run(name, corpus);
            var tuneRuns = tuning is null ? null : DetectorCatalog.Run(name, tuning);
            foreach (var variant in runs.Keys)
            {
                var scores = new Dictionary<string, double>();
                var thresholds = new Dictionary<string, double>();
                foreach (var profile in NabProfile.All)
                {
                    var threshold = variant.EndsWith(DetectorCatalog.AlarmSuffix, StringComparison.Ordinal)
                        ? 0.5
                        : fixedThreshold ?? (tuneRuns is not null ? BestThreshold(tuning!, tuneRuns[variant], profile) : DetectorCatalog.DefaultThreshold(name));
                    thresholds[profile.Name] = threshold;
                    scores[profile.Name] = JsonOutput.Round(Score(corpus, runs[variant], threshold, profile).Normalized, 2);
                }

                var windows = WindowMetrics(corpus, runs[variant], thresholds[NabProfile.Standard.Name]);
                results.Add(new DetectorResult(
                    variant,
                    new NabScores(scores[NabProfile.Standard.Name], scores[NabProfile.RewardLowFalsePositives.Name], scores[NabProfile.RewardLowFalseNegatives.Name]),
                    windows.Precision,
                    windows.Recall,
                    windows.F1,
                    windows.MeanLeadTimeSeconds,
                    thresholds,
                    variant.EndsWith(DetectorCatalog.AlarmSuffix, StringComparison.Ordinal)
                        ? "alarm onsets; alarm settings are the detector defaults, chosen on NAB's realTweets files"
                        : tuning is null ? (fixedThreshold is null ? "detector default" : "fixed") : $"chosen on {tuning.Root}",
                    windows.DetectedWindows,
                    windows.Windows,
                    windows.Events));
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{variant,-34} NAB standard {scores[NabProfile.Standard.Name],6:0.0}  low-FP {scores[NabProfile.RewardLowFalsePositives.Name],6:0.0}  low-FN {scores[NabProfile.RewardLowFalseNegatives.Name],6:0.0}  windows {windows.DetectedWindows}/{windows.Windows}  precision {windows.Precision:0.00}  F1 {windows.F1:0.00}  lead {windows.MeanLeadTimeSeconds / 3600:0.0} h  ({(clock.Elapsed - started).TotalSeconds:0.0} s)"));
            }
        }

        await JsonOutput.WriteAsync(output, new DetectReport(corpus.Root, corpus.Files.Count, corpus.Files.Sum(static f => f.Windows.Count), results), cancellationToken);
        Console.Error.WriteLine($"Results: {output}");
        return ExitCodes.Success;
    }

    private static double BestThreshold(NabCorpus corpus, IReadOnlyList<double[]> scores, NabProfile profile)
    {
        var best = (Threshold: 0.5, Score: double.NegativeInfinity);
        foreach (var threshold in SweepThresholds)
        {
            var score = Score(corpus, scores, threshold, profile).Normalized;
            if (score > best.Score)
            {
                best = (threshold, score);
            }
        }

        return best.Threshold;
    }

    private static (double Normalized, int Windows) Score(NabCorpus corpus, IReadOnlyList<double[]> scores, double threshold, NabProfile profile)
    {
        double total = 0;
        var windows = 0;
        for (var f = 0; f < corpus.Files.Count; f++)
        {
            var file = corpus.Files[f];
            var result = NabScorer.ScoreFile(file.Times, scores[f].Select(s => s >= threshold).ToArray(), file.Windows, profile);
            total += result.Score;
            windows += result.Windows;
        }

        return (NabScorer.Normalize(total, windows, profile), windows);
    }

    private static WindowSummary WindowMetrics(NabCorpus corpus, IReadOnlyList<double[]> scores, double threshold)
    {
        int windows = 0, detected = 0, events = 0, trueEvents = 0;
        var leads = new List<double>();
        for (var f = 0; f < corpus.Files.Count; f++)
        {
            var file = corpus.Files[f];
            var probation = NabScorer.ProbationaryLength(file.Times.Length);
            var spans = NabScorer.Locate(file.Times, file.Windows);
            var inWindow = new int[file.Times.Length];
            Array.Fill(inWindow, -1);
            for (var w = 0; w < spans.Count; w++)
            {
                for (var i = spans[w].Left; i <= spans[w].Right; i++)
                {
                    inWindow[i] = w;
                }
            }

            var firstDetection = new int?[spans.Count];
            var inEvent = false;
            var eventHits = false;
            for (var i = probation; i < file.Times.Length; i++)
            {
                var hit = scores[f][i] >= threshold;
                if (hit && inWindow[i] >= 0)
                {
                    firstDetection[inWindow[i]] ??= i;
                }

                if (hit && !inEvent)
                {
                    inEvent = true;
                    events++;
                    eventHits = false;
                }

                if (inEvent && hit && inWindow[i] >= 0)
                {
                    eventHits = true;
                }

                if (inEvent && (!hit || i == file.Times.Length - 1))
                {
                    inEvent = false;
                    trueEvents += eventHits ? 1 : 0;
                }
            }

            for (var w = 0; w < spans.Count; w++)
            {
                if (spans[w].Right < probation)
                {
                    continue;
                }

                windows++;
                if (firstDetection[w] is { } first)
                {
                    detected++;
                    leads.Add((file.Times[spans[w].Right] - file.Times[first]).TotalSeconds);
                }
            }
        }

        var precision = events == 0 ? 0 : (double)trueEvents / events;
        var recall = windows == 0 ? 0 : (double)detected / windows;
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new WindowSummary(windows, detected, events, JsonOutput.Round(precision), JsonOutput.Round(recall), JsonOutput.Round(f1), leads.Count == 0 ? double.NaN : Math.Round(leads.Average()));
    }

    private sealed record WindowSummary(int Windows, int DetectedWindows, int Events, double Precision, double Recall, double F1, double MeanLeadTimeSeconds);

    internal sealed record DetectReport(string Data, int Files, int Windows, IReadOnlyList<DetectorResult> Detectors);

    internal sealed record NabScores(double Standard, double Reward_low_FP_rate, double Reward_low_FN_rate);

    internal sealed record DetectorResult(
        string Name,
        NabScores Nab,
        double Precision,
        double Recall,
        double F1,
        double MeanLeadTimeSeconds,
        IReadOnlyDictionary<string, double> Thresholds,
        string ThresholdPolicy,
        int DetectedWindows,
        int Windows,
        int AlarmEvents);
}
