using Orleans.Adaptive.Bench;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Orleans.Adaptive.CommandLine;
using Orleans.Adaptive.Learning.Data;
using Orleans.Adaptive.Learning.Evaluation;
using Orleans.Adaptive.Learning.Forecasting;

namespace Orleans.Adaptive.Bench.Learning;

/// <summary>
/// `forecast`: every candidate model and the per-series selected model, one step ahead over the last part of each
/// series, each forecast using only what precedes it.
/// </summary>
internal static class ForecastCommand
{
    public static readonly string[] DefaultData = ["../shared/data/traces", "../shared/data/nab/realKnownCause/nyc_taxi.csv"];

    public static Command Create()
    {
        var command = new Command("forecast", "Evaluate the forecasters one step ahead on the last part of each series (MAE, RMSE, sMAPE, MASE).");
        var data = new Option<string[]>("--data") { Description = "CSV files or folders of them (default: ../shared/data/traces and NAB's nyc_taxi).", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Where to write the JSON results.", DefaultValueFactory = _ => "bench/results/forecast.json" };
        var column = new Option<string?>("--column") { Description = "Value column (default: the first after the time column)." };
        var testFraction = new Option<double>("--test-fraction") { Description = "Share of each series held out for testing.", DefaultValueFactory = _ => 0.3 };
        var noMlNet = new Option<bool>("--no-mlnet") { Description = "Leave out the ML.NET model (faster)." };
        var dump = new Option<string?>("--dump-forecasts") { Description = "Also write each series' test actuals and every model's forecasts as CSV into this folder." };
        command.Options.Add(data);
        command.Options.Add(output);
        command.Options.Add(column);
        command.Options.Add(testFraction);
        command.Options.Add(noMlNet);
        command.Options.Add(dump);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var errors = new List<string>();
            var fraction = parse.GetValue(testFraction);
            if (!(fraction > 0 && fraction < 0.9))
            {
                errors.Add($"--test-fraction must be between 0 and 0.9 (was {fraction}).");
            }

            var files = DataFiles.Expand(parse.GetValue(data) is { Length: > 0 } given ? given : DefaultData, errors);
            if (errors.Count == 0 && files.Count == 0)
            {
                errors.Add("--data: no CSV files found.");
            }

            if (errors.Count > 0)
            {
                return CommandLineRunner.Fail(ExitCodes.InvalidInput, errors);
            }

            return await RunAsync(files, parse.GetValue(column), fraction, !parse.GetValue(noMlNet), parse.GetValue(output)!, parse.GetValue(dump), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(List<string> files, string? column, double testFraction, bool mlNet, string output, string? dumpFolder, CancellationToken cancellationToken)
    {
        var results = new List<SeriesResult>();
        var clock = Stopwatch.StartNew();
        for (var f = 0; f < files.Count; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TimeSeries series;
            try
            {
                series = TimeSeriesCsv.Read(files[f], column);
            }
            catch (TimeSeriesFormatException exception)
            {
                return CommandLineRunner.Fail(ExitCodes.InvalidInput, exception.Message);
            }

            var started = clock.Elapsed;
            Console.Error.Write($"[{f + 1}/{files.Count}] {series.Name} ({series.Count} rows) … ");
            results.Add(Evaluate(series, files[f], testFraction, mlNet, dumpFolder));
            var result = results[^1];
            var selected = result.Models.First(m => m.Name == result.Selected);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"selected {result.Selected}: MASE {selected.Mase:0.###}, sMAPE {selected.Smape:0.#}% (ar2 sMAPE {result.Models.First(m => m.Name == ForecasterCatalog.SeedModel).Smape:0.#}%) in {(clock.Elapsed - started).TotalSeconds:0.0} s"));
        }

        var aggregate = Aggregate(results);
        await JsonOutput.WriteAsync(output, new ForecastReport(results, aggregate), cancellationToken);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{results.Count} series in {clock.Elapsed.TotalSeconds:0} s. Selected model: MASE < 1 on {aggregate.SelectedMaseBelowOne} of {results.Count}, mean sMAPE {aggregate.MeanSmapeSelected:0.##}% vs ar2 {aggregate.MeanSmapeAr2:0.##}% ({aggregate.SmapeReductionVersusAr2:P1} lower). Results: {output}"));
        return ExitCodes.Success;
    }

    internal static SeriesResult Evaluate(TimeSeries series, string file, double testFraction, bool mlNet, string? dumpFolder = null)
    {
        var trainLength = (int)Math.Round(series.Count * (1 - testFraction));
        var train = series.Slice(0, trainLength);
        var test = series.Values.AsSpan(trainLength).ToArray();
        var context = SeriesContext.Analyze(train);
        var scale = ForecastMetrics.NaiveScale(train.Values);
        var candidates = mlNet ? MlNetForecasterCatalog.Candidates(context) : ForecasterCatalog.Candidates(context);

        var models = new List<ModelResult>();
        var dumped = new List<(string Name, double[] Forecasts)>();
        foreach (var create in candidates)
        {
            var forecaster = create();
            forecaster.Fit(train);
            var forecasts = OneStepEvaluation.Run(forecaster, test);
            var metrics = ForecastMetrics.Compute(test, forecasts, scale);
            models.Add(new ModelResult(forecaster.Name, JsonOutput.Round(metrics.Mae), JsonOutput.Round(metrics.Rmse), JsonOutput.Round(metrics.Smape), JsonOutput.Round(metrics.Mase)));
            dumped.Add((forecaster.Name, forecasts));
        }

        if (dumpFolder is not null)
        {
            Directory.CreateDirectory(dumpFolder);
            using var writer = new StreamWriter(Path.Combine(dumpFolder, series.Name + ".csv"));
            writer.WriteLine("actual," + string.Join(',', dumped.Select(static d => $"\"{d.Name}\"")));
            for (var i = 0; i < test.Length; i++)
            {
                writer.WriteLine(string.Join(',', new[] { test[i] }.Concat(dumped.Select(d => d.Forecasts[i])).Select(static v => v.ToString("R", CultureInfo.InvariantCulture))));
            }
        }

        var selection = ModelSelection.Select(train, candidates);
        if (models.All(m => m.Name != selection.Selected.Name))
        {
            // The selected combination: score it the same way (it was fitted on the training part by the selection).
            var metrics = ForecastMetrics.Compute(test, OneStepEvaluation.Run(selection.Selected, test), scale);
            models.Add(new ModelResult(selection.Selected.Name, JsonOutput.Round(metrics.Mae), JsonOutput.Round(metrics.Rmse), JsonOutput.Round(metrics.Smape), JsonOutput.Round(metrics.Mase)));
        }
        return new SeriesResult(
            series.Name,
            DataFiles.Display(file),
            series.ValueColumn,
            series.Count,
            trainLength,
            test.Length,
            context.Periods,
            models,
            selection.Selected.Name,
            selection.ValidationMae.ToDictionary(static p => p.Key, static p => JsonOutput.Round(p.Value)));
    }

    private static ForecastAggregate Aggregate(List<SeriesResult> results)
    {
        ModelResult Selected(SeriesResult r) => r.Models.First(m => m.Name == r.Selected);
        ModelResult Seed(SeriesResult r) => r.Models.First(m => m.Name == ForecasterCatalog.SeedModel);
        var selectedSmape = results.Average(r => Selected(r).Smape);
        var seedSmape = results.Average(r => Seed(r).Smape);
        var byModel = results.SelectMany(r => r.Models)
            .GroupBy(m => ModelFamily(m.Name))
            .ToDictionary(g => g.Key, g => new ModelAggregate(g.Count(), JsonOutput.Round(g.Average(m => m.Mase)), JsonOutput.Round(g.Average(m => m.Smape))));
        return new ForecastAggregate(
            results.Count,
            results.Count(r => Selected(r).Mase < 1),
            JsonOutput.Round(results.Average(r => Selected(r).Mase)),
            JsonOutput.Round(selectedSmape),
            JsonOutput.Round(results.Average(r => Seed(r).Mase)),
            JsonOutput.Round(seedSmape),
            JsonOutput.Round(1 - selectedSmape / seedSmape),
            byModel);
    }

    // Model names carry their lags (ar(12+s288)); the family groups them across series.
    private static string ModelFamily(string name)
    {
        var open = name.IndexOf('(', StringComparison.Ordinal);
        return open < 0 ? name : name[..open];
    }

    internal sealed record ForecastReport(IReadOnlyList<SeriesResult> Series, ForecastAggregate Aggregate);

    internal sealed record SeriesResult(
        string Name,
        string File,
        string Column,
        int Rows,
        int Train,
        int Test,
        IReadOnlyList<int> Periods,
        IReadOnlyList<ModelResult> Models,
        string Selected,
        IReadOnlyDictionary<string, double> ValidationMae);

    internal sealed record ModelResult(string Name, double Mae, double Rmse, double Smape, double Mase);

    internal sealed record ModelAggregate(int Series, double MeanMase, double MeanSmape);

    internal sealed record ForecastAggregate(
        int Series,
        int SelectedMaseBelowOne,
        double MeanMaseSelected,
        double MeanSmapeSelected,
        double MeanMaseAr2,
        double MeanSmapeAr2,
        double SmapeReductionVersusAr2,
        IReadOnlyDictionary<string, ModelAggregate> ByModelFamily);
}
