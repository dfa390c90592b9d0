using Orleans.Adaptive.Learning.Data;
using Orleans.Adaptive.Learning.Evaluation;

namespace Orleans.Adaptive.Learning.Forecasting;

/// <summary>The outcome of <see cref="ModelSelection.Select"/>.</summary>
/// <param name="Selected">The winner, fitted on the whole history.</param>
/// <param name="ValidationMae">Each contender's mean one-step MAE over the validation folds, by name.</param>
public sealed record SelectionResult(IForecaster Selected, IReadOnlyDictionary<string, double> ValidationMae);

/// <summary>
/// Picks a forecaster per series by rolling-origin validation on its history only: each candidate is fitted on the
/// history up to an origin and scored one step ahead on the stretch after it, for several origins. The mean of the
/// <see cref="CombinationSize"/> best candidates competes too (scored on the same folds from its members'
/// forecasts). The lowest mean MAE wins and is refitted on the whole history.
/// </summary>
public static class ModelSelection
{
    /// <summary>Validation origins, as fractions of the history.</summary>
    public static readonly double[] Origins = [0.70, 0.80, 0.90];

    /// <summary>Most points scored after each origin (keeps selection fast on long series).</summary>
    public const int MaxPointsPerFold = 2_000;

    /// <summary>How many of the best candidates the combination averages.</summary>
    public const int CombinationSize = 3;

    /// <summary>Selects among <paramref name="candidates"/> for <paramref name="history"/>.</summary>
    public static SelectionResult Select(TimeSeries history, IReadOnlyList<Func<IForecaster>> candidates)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0)
        {
            throw new ArgumentException("There must be at least one candidate.", nameof(candidates));
        }

        var folds = Origins
            .Select(origin => (Cut: (int)(history.Count * origin), Length: 0))
            .Select(f => f with { Length = Math.Min(Math.Min(MaxPointsPerFold, history.Count - f.Cut), (int)(history.Count * 0.1) + 1) })
            .Where(f => f.Cut >= 10 && f.Length >= 1)
            .ToList();

        // forecasts[candidate][fold]: null where the candidate could not be fitted at that origin.
        var forecasts = new double[]?[candidates.Count][];
        var names = new string[candidates.Count];
        var errors = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var c = 0; c < candidates.Count; c++)
        {
            forecasts[c] = new double[]?[folds.Count];
            names[c] = candidates[c]().Name;
            for (var f = 0; f < folds.Count; f++)
            {
                var forecaster = candidates[c]();
                try
                {
                    forecaster.Fit(history.Slice(0, folds[f].Cut));
                    forecasts[c][f] = OneStepEvaluation.Run(forecaster, history.Values.AsSpan(folds[f].Cut, folds[f].Length));
                }
                catch (InvalidOperationException)
                {
                    // Not enough history for this candidate at this origin: it does not compete on this fold.
                }
            }

            errors[names[c]] = MeanMae(history, folds, forecasts[c]);
        }

        var ranked = Enumerable.Range(0, candidates.Count)
            .Where(c => double.IsFinite(errors[names[c]]) && forecasts[c].All(static f => f is not null))
            .OrderBy(c => errors[names[c]])
            .ToList();
        var best = ranked.Count > 0 ? ranked[0] : 0;
        IForecaster selected = candidates[best]();

        if (ranked.Count >= CombinationSize)
        {
            var members = ranked.Take(CombinationSize).ToList();
            var combined = new double[]?[folds.Count];
            for (var f = 0; f < folds.Count; f++)
            {
                combined[f] = new double[folds[f].Length];
                for (var i = 0; i < folds[f].Length; i++)
                {
                    combined[f]![i] = members.Average(m => forecasts[m][f]![i]);
                }
            }

            var combination = new CombinedForecaster(members.Select(m => candidates[m]()).ToList());
            errors[combination.Name] = MeanMae(history, folds, combined);
            if (errors[combination.Name] < errors[names[best]])
            {
                selected = combination;
            }
        }

        selected.Fit(history);
        return new SelectionResult(selected, errors);
    }

    private static double MeanMae(TimeSeries history, List<(int Cut, int Length)> folds, double[]?[] forecasts)
    {
        double total = 0;
        var scored = 0;
        for (var f = 0; f < folds.Count; f++)
        {
            if (forecasts[f] is not { } fold)
            {
                continue;
            }

            var mae = ForecastMetrics.Compute(history.Values.AsSpan(folds[f].Cut, folds[f].Length), fold, 1).Mae;
            if (double.IsFinite(mae))
            {
                total += mae;
                scored++;
            }
        }

        return scored == 0 ? double.PositiveInfinity : total / scored;
    }
}
