namespace Orleans.Adaptive;

/// <summary>
/// The replay window a partition keeps for one producer: the highest sequence applied and which of the
/// <see cref="Size"/> sequences up to it were applied (the anti-replay window of IPsec, RFC 4303 §3.4.3).
/// </summary>
/// <remarks>
/// A window is a value: <see cref="MarkApplied"/> returns a new window instead of changing this one, which keeps the
/// grain state a plain serializable record.
/// </remarks>
[GenerateSerializer, Immutable, Alias("adaptive.ProducerWindow")]
public readonly record struct ProducerWindow
{
    /// <summary>How many sequences below the highest one the window remembers.</summary>
    public const int Size = 64;

    /// <summary>Creates a window.</summary>
    public ProducerWindow(long highestSequence, ulong appliedBits, DateTimeOffset lastSeen)
    {
        HighestSequence = highestSequence;
        AppliedBits = appliedBits;
        LastSeen = lastSeen;
    }

    /// <summary>The highest sequence applied so far (0 when none).</summary>
    [Id(0)]
    public long HighestSequence { get; init; }

    /// <summary>Bit <c>i</c> is set when sequence <c>HighestSequence - i</c> was applied.</summary>
    [Id(1)]
    public ulong AppliedBits { get; init; }

    /// <summary>When the producer's last item was applied; used to forget producers that went away.</summary>
    [Id(2)]
    public DateTimeOffset LastSeen { get; init; }

    /// <summary>Classifies <paramref name="sequence"/> against the window.</summary>
    public SequenceCheck Check(long sequence)
    {
        if (sequence > HighestSequence)
        {
            return SequenceCheck.New;
        }

        var distance = HighestSequence - sequence;
        if (distance >= Size)
        {
            return SequenceCheck.Stale;
        }

        return (AppliedBits & (1UL << (int)distance)) != 0 ? SequenceCheck.Duplicate : SequenceCheck.New;
    }

    /// <summary>
    /// Records <paramref name="sequence"/> as applied. Call only after <see cref="Check"/> returned
    /// <see cref="SequenceCheck.New"/>.
    /// </summary>
    public ProducerWindow MarkApplied(long sequence, DateTimeOffset now)
    {
        if (sequence > HighestSequence)
        {
            var shift = sequence - HighestSequence;
            var bits = shift >= Size ? 0UL : AppliedBits << (int)shift;
            return new ProducerWindow(sequence, bits | 1UL, now);
        }

        var distance = (int)(HighestSequence - sequence);
        return this with { AppliedBits = AppliedBits | (1UL << distance), LastSeen = now };
    }
}

/// <summary>Where a sequence falls in a <see cref="ProducerWindow"/>.</summary>
public enum SequenceCheck
{
    /// <summary>Not applied yet: apply it.</summary>
    New = 0,

    /// <summary>Applied before: do not apply it again.</summary>
    Duplicate = 1,

    /// <summary>Below the window: the partition cannot tell whether it was applied.</summary>
    Stale = 2,
}
