using System.Diagnostics.Metrics;

namespace Orleans.Adaptive.Monitoring;

/// <summary>
/// Reads this silo's own instruments on Orleans' <c>Microsoft.Orleans</c> meter: messages sent and received, and
/// activations.
/// </summary>
/// <remarks>
/// <para>
/// Each silo host creates its own meter instance through its <see cref="IMeterFactory"/>, so the listener follows
/// only instruments of that instance: silos sharing a process do not see each other's traffic.
/// </para>
/// <para>
/// Message counts are budgeted (<see cref="BudgetedEventCounter"/>): up to <see cref="MessagesPerWindow"/> messages
/// per direction and second are counted one by one, past that the rest of the second is extrapolated. Listening to
/// every message would cost a few percent of throughput on the smallest calls (bench/Overhead).
/// </para>
/// </remarks>
internal sealed class OrleansMeterReader : IDisposable
{
    /// <summary>Messages per direction counted exactly in each window.</summary>
    internal const int MessagesPerWindow = 1000;

    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private const string MessagesSent = "orleans-messaging-sent-messages-size";
    private const string MessagesReceived = "orleans-messaging-received-messages-size";
    private const string Activations = "orleans-catalog-activations";

    private readonly Lock _observeLock = new();
    private readonly Meter _meter;
    private readonly MeterListener _listener;
    private Instrument? _sentInstrument;
    private Instrument? _receivedInstrument;
    private Instrument? _activationsInstrument;
    private readonly BudgetedEventCounter _sent;
    private readonly BudgetedEventCounter _received;
    private readonly ITimer _windows;
    private long _activations;
    private bool _activationsSeen;

    public OrleansMeterReader(OrleansInstruments instruments, TimeProvider time)
    {
        _meter = instruments.Meter;
        _sent = new BudgetedEventCounter(MessagesPerWindow, time);
        _received = new BudgetedEventCounter(MessagesPerWindow, time);
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
        _windows = time.CreateTimer(_ => RollWindows(), null, Window, Window);
    }

    /// <summary>Reads the cumulative message counts and the current activation count (null if not observed).</summary>
    public OrleansCounters Read()
    {
        lock (_observeLock)
        {
            _activations = 0;
            _activationsSeen = false;
            _listener.RecordObservableInstruments();
            return new OrleansCounters(_sent.Read(), _received.Read(), _activationsSeen ? _activations : null);
        }
    }

    public void Dispose()
    {
        _windows.Dispose();
        _listener.Dispose();
    }

    private void RollWindows()
    {
        lock (_observeLock)
        {
            Roll(_sent, _sentInstrument);
            Roll(_received, _receivedInstrument);
        }

        void Roll(BudgetedEventCounter counter, Instrument? instrument)
        {
            if (counter.Roll() && instrument is not null)
            {
                _listener.EnableMeasurementEvents(instrument);
            }
        }
    }

    private void OnMeasurement(Instrument instrument, int value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        => OnMeasurement(instrument, value);

    // Called for every message the silo sends or receives: reference comparisons, no string compares.
    private void OnMeasurement(Instrument instrument, long value)
    {
        if (ReferenceEquals(instrument, _sentInstrument))
        {
            // Each measurement is one message (the value is its size in bytes).
            Count(_sent, instrument);
        }
        else if (ReferenceEquals(instrument, _receivedInstrument))
        {
            Count(_received, instrument);
        }
        else if (ReferenceEquals(instrument, _activationsInstrument))
        {
            // Observable: called synchronously from RecordObservableInstruments, under _observeLock.
            _activations += value;
            _activationsSeen = true;
        }
    }

    private void Count(BudgetedEventCounter counter, Instrument instrument)
    {
        if (!counter.Add())
        {
            // The window's budget is used up: stop listening (Orleans then skips recording too) until it ends.
            _listener.DisableMeasurementEvents(instrument);
        }
    }
}

/// <summary>Counters read from Orleans' meter.</summary>
internal readonly record struct OrleansCounters(long MessagesSent, long MessagesReceived, long? Activations);
