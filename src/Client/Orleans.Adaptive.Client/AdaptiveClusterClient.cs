using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Orleans.Adaptive.Client;

/// <summary>
/// The entry point of the client library: reads the cluster's status and creates work producers.
/// </summary>
/// <remarks>Resolve it from the client's services after <c>AddAdaptiveClient()</c>, or create it around any <see cref="IClusterClient"/>.</remarks>
public sealed class AdaptiveClusterClient
{
    private readonly IClusterClient _client;
    private readonly AdaptiveClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;

    /// <summary>Creates the client.</summary>
    public AdaptiveClusterClient(IClusterClient client, IOptions<AdaptiveClientOptions> options, TimeProvider time, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options.Value;
        _options.Validate();
        _time = time;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Status = new ClusterStatusReader(client, _options, time);
    }

    /// <summary>The underlying Orleans client.</summary>
    public IClusterClient Orleans => _client;

    /// <summary>Reads the cluster's membership and each silo's latest node sample.</summary>
    public ClusterStatusReader Status { get; }

    /// <summary>
    /// Creates a producer that submits work items with idempotency keys and retries them until they are applied.
    /// </summary>
    /// <param name="producerId">
    /// The producer's id; unique per producer instance and never reused after a restart (the sequences restart).
    /// Default: the machine name, the process id and a random suffix.
    /// </param>
    public WorkProducer CreateProducer(string? producerId = null)
        => new(_client, producerId ?? WorkProducer.NewProducerId(), _options, _time, _loggerFactory.CreateLogger<WorkProducer>());
}
