using StackExchange.Redis;

namespace Orleans.Adaptive.Client;

/// <summary>
/// Checks that Redis answers before Orleans is pointed at it, so an unreachable Redis is one clear error within
/// seconds instead of a stack of retries.
/// </summary>
public static class RedisProbe
{
    /// <summary>The default time allowed to connect and answer a PING.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Connects to Redis and sends PING.</summary>
    /// <exception cref="RedisUnreachableException">Redis did not answer, or the connection string is malformed.</exception>
    public static async Task CheckAsync(string connectionString, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var limit = timeout ?? DefaultTimeout;
        ConfigurationOptions configuration;
        try
        {
            configuration = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException exception)
        {
            throw new RedisUnreachableException(connectionString, $"the connection string is malformed ({exception.Message})", exception);
        }

        configuration.AbortOnConnectFail = true;
        configuration.ConnectRetry = 1;
        configuration.ConnectTimeout = (int)limit.TotalMilliseconds;
        configuration.SyncTimeout = (int)limit.TotalMilliseconds;
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(limit + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            await connection.GetDatabase().PingAsync().WaitAsync(limit, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new RedisUnreachableException(connectionString, ErrorText.FirstLine(exception.Message), exception);
        }
    }

    /// <summary>
    /// The endpoints of a Redis connection string, without passwords or other secrets, for messages and logs.
    /// </summary>
    public static string Redact(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return "(no connection string)";
        }

        try
        {
            var endpoints = ConfigurationOptions.Parse(connectionString).EndPoints;
            return endpoints.Count == 0 ? "(no endpoints)" : string.Join(",", endpoints.Select(EndPointCollection.ToString));
        }
        catch (ArgumentException)
        {
            return "(malformed connection string)";
        }
    }
}

/// <summary>Redis could not be reached.</summary>
public sealed class RedisUnreachableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RedisUnreachableException(string connectionString, string reason, Exception? innerException = null)
        : base($"Cannot reach Redis at {RedisProbe.Redact(connectionString)}: {reason}", innerException)
    {
        Endpoints = RedisProbe.Redact(connectionString);
    }

    /// <summary>The endpoints that were tried (the connection string without its secrets).</summary>
    public string Endpoints { get; }
}
