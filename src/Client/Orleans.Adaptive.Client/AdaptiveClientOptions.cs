namespace Orleans.Adaptive.Client;

/// <summary>Options of the Orleans.Adaptive client library.</summary>
public sealed class AdaptiveClientOptions
{
    /// <summary>
    /// How long a work item is retried (same item, same idempotency key) before <see cref="WorkProducer.SubmitAsync"/>
    /// gives up with <see cref="WorkOutcomeUnknownException"/>. Default 2 minutes.
    /// </summary>
    public TimeSpan SubmitTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long one attempt may take before it is retried. Keep it below Orleans' response timeout (30 s) so a
    /// frozen silo costs one attempt, not the whole budget. Default 10 s.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First wait between attempts; it doubles up to <see cref="MaxRetryDelay"/>, with jitter. Default 50 ms.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Longest wait between attempts. Default 2 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a status query waits for each silo's node monitor. Default 3 s.</summary>
    public TimeSpan StatusQueryTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Dead silos are listed in status for this long after their last heartbeat. Default 1 hour.</summary>
    public TimeSpan DeadSiloRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Throws if an option cannot work, naming it.</summary>
    public void Validate()
    {
        Positive(SubmitTimeout, nameof(SubmitTimeout));
        Positive(AttemptTimeout, nameof(AttemptTimeout));
        Positive(InitialRetryDelay, nameof(InitialRetryDelay));
        Positive(MaxRetryDelay, nameof(MaxRetryDelay));
        Positive(StatusQueryTimeout, nameof(StatusQueryTimeout));
        Positive(DeadSiloRetention, nameof(DeadSiloRetention));
        if (MaxRetryDelay < InitialRetryDelay)
        {
            throw new ArgumentException($"Adaptive:Client:MaxRetryDelay ({MaxRetryDelay}) must not be shorter than InitialRetryDelay ({InitialRetryDelay}).");
        }
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Adaptive:Client:{name} must be greater than zero (was {value}).");
        }
    }
}
