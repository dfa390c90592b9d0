using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Orleans.Adaptive.Client;

/// <summary>
/// A connected Orleans client with the Orleans.Adaptive client services, in its own small host: what tools and
/// tests use when they are not themselves an Orleans-hosting application.
/// </summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterConnection(IHost host, AdaptiveClusterOptions options)
    {
        _host = host;
        Options = options;
        Client = host.Services.GetRequiredService<IClusterClient>();
        Adaptive = host.Services.GetRequiredService<AdaptiveClusterClient>();
    }

    /// <summary>Where this connection points.</summary>
    public AdaptiveClusterOptions Options { get; }

    /// <summary>The Orleans client.</summary>
    public IClusterClient Client { get; }

    /// <summary>The Orleans.Adaptive client.</summary>
    public AdaptiveClusterClient Adaptive { get; }

    /// <summary>
    /// Connects to the cluster described by <paramref name="cluster"/>, retrying until its connect timeout.
    /// </summary>
    /// <param name="cluster">Where the cluster is.</param>
    /// <param name="configureClient">Further client options, if any.</param>
    /// <param name="configureLogging">Logging; by default only errors, to the console's error stream.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <exception cref="ClusterConnectionException">The cluster (or its Redis) could not be reached; the message says what was tried.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options cannot work.</exception>
    public static async Task<ClusterConnection> ConnectAsync(
        AdaptiveClusterOptions cluster,
        Action<AdaptiveClientOptions>? configureClient = null,
        Action<ILoggingBuilder>? configureLogging = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        AdaptiveClusterOptionsValidator.ThrowIfInvalid(cluster);

        if (cluster.Clustering == ClusteringMode.Redis)
        {
            try
            {
                await RedisProbe.CheckAsync(cluster.RedisConnectionString!, cluster.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (RedisUnreachableException exception)
            {
                throw new ClusterConnectionException(cluster, exception.Message, exception);
            }
        }

        var deadline = DateTimeOffset.UtcNow + cluster.ConnectTimeout;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        if (configureLogging is not null)
        {
            configureLogging(builder.Logging);
        }
        else
        {
            builder.Logging.SetMinimumLevel(LogLevel.None);
        }

        builder.UseOrleansClient(client =>
        {
            client.UseAdaptiveClustering(cluster);
            client.AddAdaptiveClient(configureClient);
            client.UseConnectionRetryFilter(async (exception, token) =>
            {
                var wait = TimeSpan.FromMilliseconds(250);
                if (DateTimeOffset.UtcNow + wait >= deadline)
                {
                    return false;
                }

                await Task.Delay(wait, token).ConfigureAwait(false);
                return true;
            });
        });

        var host = builder.Build();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(cluster.ConnectTimeout + TimeSpan.FromSeconds(2));
            await host.StartAsync(timeout.Token).ConfigureAwait(false);
            return new ClusterConnection(host, cluster);
        }
        catch (Exception exception) when (exception is not Microsoft.Extensions.Options.OptionsValidationException && !cancellationToken.IsCancellationRequested)
        {
            await DisposeQuietlyAsync(host).ConfigureAwait(false);
            throw new ClusterConnectionException(
                cluster,
                $"no gateway answered within {cluster.ConnectTimeout.TotalSeconds:0.#} s ({exception.GetType().Name}: {ErrorText.FirstLine(exception.Message)}). Is a silo running?",
                exception);
        }
        catch
        {
            await DisposeQuietlyAsync(host).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _host.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or OrleansException)
        {
            // The cluster may already be gone; closing the client is best effort.
        }
        finally
        {
            _host.Dispose();
        }
    }

    private static async Task DisposeQuietlyAsync(IHost host)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await host.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            // Nothing to save: the connection never worked.
        }
        finally
        {
            host.Dispose();
        }
    }
}

/// <summary>The cluster could not be reached.</summary>
public sealed class ClusterConnectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterConnectionException(AdaptiveClusterOptions cluster, string reason, Exception? innerException = null)
        : base($"Cannot connect to {cluster.Describe()}: {reason}", innerException)
    {
        Reason = reason;
    }

    /// <summary>What went wrong, without the cluster's description.</summary>
    public string Reason { get; }
}
