using System.Collections.Concurrent;
using System.Diagnostics;

namespace Orleans.Adaptive.Monitoring;

/// <summary>
/// Measures every application grain call this silo serves: latency from dispatch to completion, and whether it
/// threw. Orleans' own grains (management, membership), Orleans.Adaptive's infrastructure grains and grains that
/// measure themselves (work partitions) are left out, so the figures describe the workload, each call once.
/// </summary>
/// <remarks>
/// <para>
/// Opt-in (<c>AddAdaptiveCallStatistics</c>): an incoming-call filter sits on every call of the silo, and on the
/// smallest calls its cost is measurable (bench/Overhead). Work partitions are measured without it.
/// </para>
/// <para>Time a call spends queued in a grain's inbox before it is dispatched is not included.</para>
/// </remarks>
internal sealed class RequestStatisticsFilter(RequestStatistics statistics) : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<Type, bool> IsWorkloadByType = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (!IsWorkload(context.Grain))
        {
            return context.Invoke();
        }

        // Most calls complete synchronously: record them without an async state machine, which on the smallest
        // calls costs more than the measurement itself (bench/Overhead).
        var started = Stopwatch.GetTimestamp();
        Task call;
        try
        {
            call = context.Invoke();
        }
        catch
        {
            statistics.Record(Stopwatch.GetElapsedTime(started), failed: true);
            throw;
        }

        if (call.IsCompleted)
        {
            statistics.Record(Stopwatch.GetElapsedTime(started), failed: !call.IsCompletedSuccessfully);
            return call;
        }

        return AwaitAndRecordAsync(call, started);
    }

    private async Task AwaitAndRecordAsync(Task call, long started)
    {
        var failed = true;
        try
        {
            await call;
            failed = false;
        }
        finally
        {
            statistics.Record(Stopwatch.GetElapsedTime(started), failed);
        }
    }

    internal static bool IsWorkload(object? grain)
        => grain is not null && IsWorkloadByType.GetOrAdd(grain.GetType(), static type => IsWorkloadType(type));

    private static bool IsWorkloadType(Type type)
    {
        if (typeof(IAdaptiveInfrastructureGrain).IsAssignableFrom(type) || typeof(IMeasuresOwnRequests).IsAssignableFrom(type))
        {
            return false;
        }

        // Orleans' own grains (ManagementGrain and friends) live in assemblies named Orleans.*; user code does not.
        var assembly = type.Assembly.GetName().Name ?? string.Empty;
        return !assembly.StartsWith("Orleans.", StringComparison.Ordinal) || assembly.StartsWith("Orleans.Adaptive", StringComparison.Ordinal);
    }
}

/// <summary>Marks grains that are part of Orleans.Adaptive's own machinery, not of the workload.</summary>
internal interface IAdaptiveInfrastructureGrain;

/// <summary>Marks workload grains that record their own calls in <see cref="RequestStatistics"/> (work partitions).</summary>
internal interface IMeasuresOwnRequests;
