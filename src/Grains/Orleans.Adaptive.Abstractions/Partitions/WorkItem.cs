namespace Orleans.Adaptive;

/// <summary>
/// One unit of work for a work partition.
/// </summary>
/// <remarks>
/// <para>
/// The pair (<see cref="ProducerId"/>, <see cref="Sequence"/>) is the item's idempotency key: a partition applies
/// each key at most once, so a producer that is unsure whether an item arrived (a timeout, a silo that died
/// mid-call) simply sends the same item again.
/// </para>
/// <para>
/// Sequences are per producer and per partition, start at 1 and increase. A partition remembers the highest
/// sequence it applied for each producer and the <see cref="ProducerWindow.Size"/> sequences below it, so a producer
/// may have up to that many items in flight to one partition at a time (the client library enforces this).
/// A producer that restarts without remembering its sequences must use a new <see cref="ProducerId"/>.
/// </para>
/// </remarks>
/// <param name="ProducerId">Who produced the item: unique per producer instance.</param>
/// <param name="Sequence">The producer's sequence number for this partition, 1 or more.</param>
/// <param name="Cost">How much work the item takes, in work units (see the simulated capacity); finite, 0 or more.</param>
/// <param name="Payload">Opaque data for the work handler. Do not mutate it after submitting.</param>
[GenerateSerializer, Immutable, Alias("adaptive.WorkItem")]
public sealed record WorkItem(
    [property: Id(0)] string ProducerId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] double Cost,
    [property: Id(3)] byte[]? Payload = null)
{
    /// <summary>The idempotency key, <c>producer#sequence</c>.</summary>
    public string IdempotencyKey => $"{ProducerId}#{Sequence}";

    /// <summary>
    /// Checks that the item is well formed.
    /// </summary>
    /// <exception cref="ArgumentException">The item is malformed; the message says which field and why.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ProducerId))
        {
            throw new ArgumentException("WorkItem.ProducerId must be a non-empty string.", nameof(ProducerId));
        }

        if (Sequence < 1)
        {
            throw new ArgumentException($"WorkItem.Sequence must be 1 or more (was {Sequence}).", nameof(Sequence));
        }

        if (!double.IsFinite(Cost) || Cost < 0)
        {
            throw new ArgumentException($"WorkItem.Cost must be a finite number of work units, 0 or more (was {Cost}).", nameof(Cost));
        }
    }
}
