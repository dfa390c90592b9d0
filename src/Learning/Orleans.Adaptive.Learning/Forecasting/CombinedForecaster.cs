using Orleans.Adaptive.Learning.Data;

namespace Orleans.Adaptive.Learning.Forecasting;

/// <summary>
/// The mean of several forecasters' forecasts. Combining forecasts is one of the most reliable ways to reduce error
/// (Bates and Granger 1969; the M-competitions), because the members' mistakes partly cancel.
/// </summary>
public sealed class CombinedForecaster : IForecaster
{
    private readonly IReadOnlyList<IForecaster> _members;

    /// <summary>Combines <paramref name="members"/> (at least one).</summary>
    public CombinedForecaster(IReadOnlyList<IForecaster> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0)
        {
            throw new ArgumentException("A combination needs at least one member.", nameof(members));
        }

        _members = members;
    }

    /// <inheritdoc />
    public string Name => $"mean[{string.Join(", ", _members.Select(static m => m.Name))}]";

    /// <summary>The members.</summary>
    public IReadOnlyList<IForecaster> Members => _members;

    /// <inheritdoc />
    public void Fit(TimeSeries history)
    {
        foreach (var member in _members)
        {
            member.Fit(history);
        }
    }

    /// <inheritdoc />
    public void Observe(double value)
    {
        foreach (var member in _members)
        {
            member.Observe(value);
        }
    }

    /// <inheritdoc />
    public double[] Forecast(int horizon)
    {
        var combined = new double[horizon];
        foreach (var member in _members)
        {
            var forecast = member.Forecast(horizon);
            for (var h = 0; h < horizon; h++)
            {
                combined[h] += forecast[h] / _members.Count;
            }
        }

        return combined;
    }
}
