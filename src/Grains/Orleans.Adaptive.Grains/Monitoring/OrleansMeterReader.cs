using System.Diagnostics.Metrics;

namespace Orleans.Adaptive.Monitoring;

/// <summary>
/// Reads this silo's own instruments on Orleans' <c>Microsoft.Orleans</c> meter: messages sent and received, and
/// activations.
/// </summary>
/// <remarks>
/// Each silo host creates its own meter instance through its <see cref="IMeterFactory"/>, so the listener follows
/// only instruments of that instance: silos sharing a process do not see each other's traffic.
/// </remarks>
internal sealed class OrleansMeterReader : IDisposable
{
    private const string MessagesSent = "orleans-messaging-sent-messages-size";
    private const string MessagesReceived = "orleans-messaging-received-messages-size";
    private const string Activations = "orleans-catalog-activations";

    private readonly Lock _observeLock = new();
    private readonly Meter _meter;
    private readonly MeterListener _listener;
    private Instrument? _sentInstrument;
    private Instrument? _receivedInstrument;
    private Instrument? _activationsInstrument;
    private long _sent;
    private long _received;
    private long _activations;
    private bool _activationsSeen;

    public OrleansMeterReader(OrleansInstruments instruments)
    {
        _meter = instruments.Meter;
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (!ReferenceEquals(instrument.Meter, _meter))
                {
                    return;
                }

                switch (instrument.Name)
                {
                    case MessagesSent:
                        _sentInstrument = instrument;
                        break;
                    case MessagesReceived:
                        _receivedInstrument = instrument;
                        break;
                    case Activations:
                        _activationsInstrument = instrument;
                        break;
                    default:
                        return;
                }

                listener.EnableMeasurementEvents(instrument);
            },
        };
        _listener.SetMeasurementEventCallback<int>(OnMeasurement);
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => OnMeasurement(instrument, value));
        _listener.Start();
    }

    /// <summary>Reads the cumulative message counts and the current activation count (null if not observed).</summary>
    public OrleansCounters Read()
    {
        lock (_observeLock)
        {
            _activations = 0;
            _activationsSeen = false;
            _listener.RecordObservableInstruments();
            return new OrleansCounters(
                Interlocked.Read(ref _sent),
                Interlocked.Read(ref _received),
                _activationsSeen ? _activations : null);
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, int value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        => OnMeasurement(instrument, value);

    // Called for every message the silo sends or receives: reference comparisons, no string compares.
    private void OnMeasurement(Instrument instrument, long value)
    {
        if (ReferenceEquals(instrument, _sentInstrument))
        {
            // Each measurement is one message (the value is its size in bytes).
            Interlocked.Increment(ref _sent);
        }
        else if (ReferenceEquals(instrument, _receivedInstrument))
        {
            Interlocked.Increment(ref _received);
        }
        else if (ReferenceEquals(instrument, _activationsInstrument))
        {
            // Observable: called synchronously from RecordObservableInstruments, under _observeLock.
            _activations += value;
            _activationsSeen = true;
        }
    }
}

/// <summary>Counters read from Orleans' meter.</summary>
internal readonly record struct OrleansCounters(long MessagesSent, long MessagesReceived, long? Activations);
