using System.Diagnostics.Metrics;

namespace Orleans.Adaptive.Bench.Placement;

/// <summary>
/// Counts activations that every silo in this process shut down to migrate them (Orleans' own
/// <c>orleans-catalog-activation-shutdown</c> counter, tag <c>via = migration</c>), whoever asked for the move: the
/// Orleans rebalancer or ours.
/// </summary>
internal sealed class MigrationCounter : IDisposable
{
    private const string MeterName = "Microsoft.Orleans";
    private const string InstrumentName = "orleans-catalog-activation-shutdown";
    private readonly MeterListener _listener = new();
    private long _migrations;

    public MigrationCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName && instrument.Name == InstrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) => OnMeasurement(instrument, value, tags, state));
        _listener.Start();
    }

    public long Migrations => Interlocked.Read(ref _migrations);

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "via" && tag.Value is string via && via == "migration")
            {
                Interlocked.Add(ref _migrations, value);
                return;
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}
