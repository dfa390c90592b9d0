namespace Orleans.Adaptive.Client;

/// <summary>Which failures of a work-item call are worth retrying with the same item.</summary>
internal static class TransientErrors
{
    /// <summary>
    /// True for failures that say nothing about the item itself: a silo that is gone, overloaded or restarting, a
    /// lost connection, a timeout. False for the item's own faults (malformed, stale) and for errors its handler
    /// threw, which the partition reports only when the item was not applied.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        WorkRejectedException rejected => rejected.IsRetryable,
        ArgumentException => false,
        TimeoutException => true,
        OrleansMessageRejectionException => true, // includes SiloUnavailableException
        Runtime.Messaging.ConnectionFailedException => true,
        Networking.Shared.SocketConnectionException => true,
        GatewayTooBusyException => true,
        _ => false,
    };
}
