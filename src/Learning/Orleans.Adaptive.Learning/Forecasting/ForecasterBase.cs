using Orleans.Adaptive.Learning.Data;
using Orleans.Adaptive.Learning.Features;

namespace Orleans.Adaptive.Learning.Forecasting;

/// <summary>
/// Shared mechanics of forecasters that predict the next value from recent values (and the time): keeping the
/// history, multi-step forecasting by feeding predictions back, and keeping non-negative series non-negative.
/// </summary>
public abstract class ForecasterBase : IForecaster
{
    private readonly HistoryBuffer _history;
    private DateTime? _lastTime;
    private RefitSchedule? _refit;
    private List<double>? _recent;
    private List<DateTime>? _recentTimes;
    private int _sinceRefit;

    /// <summary>Creates the forecaster.</summary>
    /// <param name="context">What the training history says about the series.</param>
    /// <param name="requiredHistory">How many past values a prediction reads.</param>
    protected ForecasterBase(SeriesContext context, int requiredHistory)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        _history = new HistoryBuffer(requiredHistory + 1);
    }

    /// <inheritdoc />
    public string Name => Refit is { } refit ? $"{ModelName}+refit({refit.Every}/{refit.Window})" : ModelName;

    /// <summary>What the model is, e.g. <c>ar(12+s288)</c>; <see cref="Name"/> adds the refit schedule, if any.</summary>
    protected abstract string ModelName { get; }

    /// <summary>What the training history says about the series.</summary>
    protected SeriesContext Context { get; }

    /// <summary>Rows seen, training included: the index of the next row.</summary>
    protected long NextIndex => _history.Seen;

    /// <summary>
    /// Refits the model every <see cref="RefitSchedule.Every"/> observations on the last
    /// <see cref="RefitSchedule.Window"/> values seen, so it follows a series whose behaviour shifts. Each refit uses
    /// only what was observed before it. Null (the default) keeps the fitted parameters.
    /// </summary>
    public RefitSchedule? Refit
    {
        get => _refit;
        init => _refit = value;
    }

    /// <inheritdoc />
    public void Fit(TimeSeries history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0)
        {
            throw new ArgumentException("A forecaster needs at least one value to fit on.", nameof(history));
        }

        var values = MissingValues.Interpolate(history.Values);
        FitCore(values, history.CalendarTimes);
        _history.Clear();
        foreach (var value in values)
        {
            _history.Add(value);
        }

        _lastTime = history.CalendarTimes?[^1];
        if (_refit is { } refit)
        {
            var keep = Math.Min(values.Length, refit.Window);
            _recent = [.. values[^keep..]];
            _recentTimes = history.CalendarTimes is { } times ? [.. times[^keep..]] : null;
            _sinceRefit = 0;
        }
    }

    /// <inheritdoc />
    public void Observe(double value)
    {
        if (!double.IsNaN(value))
        {
            // A missing value teaches nothing; it still moves the history on (repeating the last value).
            ObserveCore(value, new Lags(_history, []), NextTime());
        }

        _history.Add(value);
        if (_lastTime is { } last && Context.Step is { } step)
        {
            _lastTime = last + step;
        }

        if (_refit is { } refit && _recent is not null)
        {
            _recent.Add(double.IsNaN(value) ? _history.Lag(1) : value);
            _recentTimes?.Add(_lastTime ?? default);
            if (_recent.Count > refit.Window)
            {
                _recent.RemoveRange(0, _recent.Count - refit.Window);
                _recentTimes?.RemoveRange(0, _recentTimes.Count - refit.Window);
            }

            if (++_sinceRefit >= refit.Every)
            {
                _sinceRefit = 0;
                FitCore([.. _recent], _recentTimes is null ? null : [.. _recentTimes]);
            }
        }
    }

    /// <inheritdoc />
    public double[] Forecast(int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        var forecasts = new double[horizon];
        for (var h = 0; h < horizon; h++)
        {
            var lags = new Lags(_history, forecasts.AsSpan(0, h));
            var time = _lastTime is { } last && Context.Step is { } step ? last + step * (h + 1) : (DateTime?)null;
            var prediction = Predict(lags, NextIndex + h, time);
            if (Context.IsNonNegative)
            {
                prediction = Math.Max(0, prediction);
            }

            if (ForecastsMedian && Context.IsIntegerValued)
            {
                // The median of a whole-number quantity is a whole number.
                prediction = Math.Round(prediction);
            }

            forecasts[h] = prediction;
        }

        return forecasts;
    }

    /// <summary>
    /// Whether the model forecasts the conditional median (fitted by absolute error), so that on whole-number series
    /// its forecasts are rounded to whole numbers.
    /// </summary>
    protected virtual bool ForecastsMedian => false;

    /// <summary>Learns the model's parameters from the (gap-free) training values.</summary>
    protected abstract void FitCore(double[] values, DateTime[]? times);

    /// <summary>Predicts the value at row <paramref name="index"/> from the values before it.</summary>
    protected abstract double Predict(Lags lags, long index, DateTime? time);

    /// <summary>
    /// Called with each new observation before it joins the history (so <paramref name="lags"/> are the inputs that
    /// predicted it): online models learn here.
    /// </summary>
    protected virtual void ObserveCore(double value, Lags lags, DateTime? time)
    {
    }

    private DateTime? NextTime() => _lastTime is { } last && Context.Step is { } step ? last + step : null;

    /// <summary>How often, and on how much recent history, a forecaster refits itself while it observes.</summary>
    /// <param name="Every">Observations between refits.</param>
    /// <param name="Window">Most recent values each refit uses.</param>
    public sealed record RefitSchedule(int Every, int Window);

    /// <summary>
    /// Past values by lag, as a prediction sees them: predictions made so far in a multi-step forecast first, then
    /// the observed history.
    /// </summary>
    protected readonly ref struct Lags
    {
        private readonly HistoryBuffer _history;
        private readonly ReadOnlySpan<double> _predicted;

        internal Lags(HistoryBuffer history, ReadOnlySpan<double> predicted)
        {
            _history = history;
            _predicted = predicted;
        }

        /// <summary>The value <paramref name="lag"/> steps before the one being predicted (1 = the one just before).</summary>
        public double this[int lag] => lag <= _predicted.Length ? _predicted[^lag] : _history.Lag(lag - _predicted.Length);
    }
}
