namespace Orleans.Adaptive.Monitoring;

/// <summary>
/// A fixed-capacity ring of node samples: adding to a full ring drops the oldest. Samples are added in increasing
/// <see cref="NodeSample.Sequence"/> order, which queries rely on.
/// </summary>
/// <remarks>Not thread-safe: its owner, <see cref="NodeSampleHistory"/>, locks around it.</remarks>
internal sealed class SampleRing
{
    private readonly NodeSample[] _items;
    private int _start;

    public SampleRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _items = new NodeSample[capacity];
    }

    public int Capacity => _items.Length;

    public int Count { get; private set; }

    public NodeSample? Latest => Count == 0 ? null : this[Count - 1];

    /// <summary>The <paramref name="index"/>-th sample held, 0 being the oldest.</summary>
    public NodeSample this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return _items[(_start + index) % _items.Length];
        }
    }

    public void Add(NodeSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (Latest is { } latest && sample.Sequence <= latest.Sequence)
        {
            throw new ArgumentException($"Samples must be added in increasing sequence order ({sample.Sequence} after {latest.Sequence}).", nameof(sample));
        }

        if (Count < _items.Length)
        {
            _items[(_start + Count) % _items.Length] = sample;
            Count++;
        }
        else
        {
            _items[_start] = sample;
            _start = (_start + 1) % _items.Length;
        }
    }

    /// <summary>Up to <paramref name="maxCount"/> samples with a sequence above <paramref name="afterSequence"/>, oldest first.</summary>
    public List<NodeSample> After(long afterSequence, int maxCount)
    {
        var result = new List<NodeSample>();
        if (maxCount <= 0 || Count == 0)
        {
            return result;
        }

        // Binary search for the first sample past afterSequence: sequences increase along the ring.
        int low = 0, high = Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (this[mid].Sequence <= afterSequence)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        for (var i = low; i < Count && result.Count < maxCount; i++)
        {
            result.Add(this[i]);
        }

        return result;
    }
}
