using System.Diagnostics;

namespace Orleans.Adaptive.Supervision;

/// <summary>
/// Calls work partitions so that those whose silo is gone are activated again at once, from storage, on a healthy
/// silo, instead of waiting for their next call.
/// </summary>
/// <remarks>
/// Orleans re-activates a grain only when something calls it; a partition that receives work rarely would stay down
/// until then, and a caller's first call would pay the activation. Users' own grains that only use
/// <see cref="ISiloWorkExecutor"/> are left to Orleans (their interface is unknown here).
/// </remarks>
internal sealed class PartitionReactivator(IGrainFactory grains)
{
    /// <summary>Calls in flight at once: enough to be quick, few enough not to flood the survivors.</summary>
    private const int Concurrency = 32;

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    private readonly GrainType _partitionType = grains.GetGrain<IWorkPartitionGrain>("type").GetGrainId().Type;

    /// <summary>Calls every work partition among <paramref name="partitions"/> (grain ids), retrying each until <paramref name="deadline"/>.</summary>
    /// <returns>How many were called, how many never answered, and how long it took.</returns>
    public async Task<(int Called, int Failed, TimeSpan Elapsed)> ReactivateAsync(IReadOnlyCollection<string> partitions, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var targets = new List<IWorkPartitionGrain>(partitions.Count);
        foreach (var partition in partitions)
        {
            if (GrainId.TryParse(partition, out var id) && id.Type.Equals(_partitionType))
            {
                targets.Add(grains.GetGrain(id).AsReference<IWorkPartitionGrain>());
            }
        }

        var failed = 0;
        await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken }, async (partition, token) =>
        {
            var delay = TimeSpan.FromMilliseconds(100);
            while (true)
            {
                try
                {
                    await partition.GetStatus().WaitAsync(CallTimeout, token);
                    return;
                }
                catch (Exception) when (!token.IsCancellationRequested && Stopwatch.GetElapsedTime(started) + delay < deadline)
                {
                    // The directory may still name the dead silo for a moment: try again shortly.
                    await Task.Delay(delay, token);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
                }
                catch (Exception) when (!token.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failed);
                    return;
                }
            }
        });

        return (targets.Count, failed, Stopwatch.GetElapsedTime(started));
    }
}
