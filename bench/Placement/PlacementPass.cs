using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Adaptive.Client;
using Orleans.Adaptive.Client.Workload;
using Orleans.Adaptive.Learning.Statistics;
using Orleans.Hosting;
using Orleans.Statistics;
using Orleans.TestingHost;

namespace Orleans.Adaptive.Bench.Placement;

/// <summary>
/// One strategy's pass: a fresh in-process cluster, the same trace-driven workload, then the measurements.
/// </summary>
internal sealed class PlacementPass(StrategyCase strategy, PlacementSettings settings, TraceReplay replay, TextWriter progress)
{
    /// <summary>Below this mean utilisation the max ÷ mean ratio says more about noise than about placement.</summary>
    private const double MinimumMeanUtilization = 0.05;

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(20);

    public async Task<StrategyResult> RunAsync(CancellationToken cancellationToken)
    {
        await using var cluster = await StartClusterAsync(cancellationToken);
        using var migrations = new MigrationCounter();
        var silos = cluster.Silos
            .Select(handle => (Index: int.Parse(handle.Name["Silo_".Length..], CultureInfo.InvariantCulture), handle.SiloAddress))
            .OrderBy(s => s.Index)
            .ToList();
        await WaitForMonitorsAsync(cluster, silos.Select(s => s.SiloAddress).ToList(), cancellationToken);

        var client = new AdaptiveClusterClient(cluster.Client, Options.Create(new AdaptiveClientOptions()), TimeProvider.System);
        var partitionIds = Enumerable.Range(0, settings.Partitions).Select(i => $"p{i:D4}").ToArray();
        var driver = new WorkloadDriver(client.CreateProducer($"bench-{strategy.Name}"), replay, new WorkloadDriverOptions
        {
            PartitionIds = partitionIds,
            Skew = settings.Skew,
            ItemCost = settings.ItemCost,
            Seed = settings.Seed,
            HotSetShiftInterval = settings.ShiftEvery,
        });

        var startedAt = DateTimeOffset.UtcNow;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(settings.Warmup + settings.Duration);
        var running = driver.RunAsync(DrainTimeout, stop.Token);
        var atWarmup = await ReportProgressAsync(cluster, driver, migrations, silos.Select(s => s.SiloAddress).ToList(), running, cancellationToken);
        await running;
        cancellationToken.ThrowIfCancellationRequested();

        var measuredFrom = startedAt + settings.Warmup;
        var statistics = driver.ReadStatistics();
        return await MeasureAsync(cluster, silos, partitionIds, statistics, atWarmup, migrations.Migrations, measuredFrom);
    }

    private async Task<InProcessTestCluster> StartClusterAsync(CancellationToken cancellationToken)
    {
        var builder = new InProcessTestClusterBuilder((short)settings.Silos);
        builder.Options.ClusterId = $"bench-{strategy.Name}-{Guid.NewGuid():N}"[..40];
        builder.Options.ServiceId = "orleans-adaptive-bench";
        builder.Options.ConfigureFileLogging = false;
        builder.Options.UseRealEnvironmentStatistics = true;
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Logging.ClearProviders();
            host.Logging.SetMinimumLevel(LogLevel.Error);
        });
        builder.ConfigureClientHost(host => host.Logging.ClearProviders());
        builder.ConfigureSilo((options, silo) =>
        {
            var index = int.Parse(options.SiloName["Silo_".Length..], CultureInfo.InvariantCulture);
            var capacity = settings.CapacityOf(index);
            silo.AddMemoryGrainStorage(AdaptiveStorage.ProviderName);
            silo.AddAdaptiveRuntime(runtime =>
            {
                runtime.NodeMonitor.SampleInterval = settings.SampleInterval;
                runtime.NodeMonitor.HistoryCapacity = 7200;
                runtime.Capacity.WorkUnitsPerSecond = capacity;
                // About two seconds of queue, as in the demo: overload shows as refusals and retries.
                runtime.Capacity.MaxQueueLength = Math.Max(10, (int)(capacity * 2 / settings.ItemCost));
                // Baselines: the supervisor still forecasts and publishes views (same overhead) but never acts.
                runtime.Adaptation.Enabled = strategy.IsAdaptive;
                if (settings.ImbalanceThreshold is { } imbalance)
                {
                    runtime.Rebalancing.ImbalanceThreshold = imbalance;
                }

                if (settings.ReleaseThreshold is { } release)
                {
                    runtime.Rebalancing.ReleaseThreshold = release;
                }
            });
            silo.Services.AddSingleton<SimulatedEnvironmentStatistics>();
            silo.Services.AddSingleton<IEnvironmentStatisticsProvider>(static sp => sp.GetRequiredService<SimulatedEnvironmentStatistics>());
            strategy.Configure(silo);
        });

        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every pass starts alike: each node monitor has sampled and the silos have exchanged statistics.</summary>
    private static async Task WaitForMonitorsAsync(InProcessTestCluster cluster, IReadOnlyList<SiloAddress> silos, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        foreach (var silo in silos)
        {
            var monitor = cluster.Client.GetNodeMonitor(silo);
            await monitor.Start();
            while (await monitor.GetLatest() is null)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"The node monitor of {silo} took no sample within 30 s.");
                }

                await Task.Delay(100, cancellationToken);
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
    }

    /// <summary>Prints progress until the driver stops; returns the client's statistics at the end of the warm-up.</summary>
    private async Task<WorkloadStatistics> ReportProgressAsync(
        InProcessTestCluster cluster, WorkloadDriver driver, MigrationCounter migrations, IReadOnlyList<SiloAddress> silos, Task running, CancellationToken cancellationToken)
    {
        WorkloadStatistics? atWarmup = null;
        var nextProgress = ProgressInterval;
        var total = settings.Warmup + settings.Duration;
        while (!running.IsCompleted)
        {
            await Task.WhenAny(running, Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken));
            var elapsed = driver.Elapsed;
            if (atWarmup is null && elapsed >= settings.Warmup)
            {
                atWarmup = driver.ReadStatistics();
            }

            if (elapsed >= nextProgress && elapsed < total)
            {
                nextProgress += ProgressInterval;
                var statistics = driver.ReadStatistics();
                var utilizations = new List<string>();
                foreach (var silo in silos)
                {
                    var latest = await cluster.Client.GetNodeMonitor(silo).GetLatest();
                    utilizations.Add(latest?.Utilization is { } u ? u.ToString("P0", CultureInfo.InvariantCulture).Replace(" ", string.Empty, StringComparison.Ordinal) : "-");
                }

                await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  [{strategy.Name}] {elapsed.TotalSeconds,4:0}/{total.TotalSeconds:0} s  offered {statistics.OfferedItemsPerSecond,5:0}/s  acked {statistics.Applied + statistics.Duplicates,7}  unacked {statistics.NotAcknowledged + statistics.Shed,5}  p99 {statistics.Latency.PercentileMs(0.99) ?? 0,6:0.0} ms  silos {string.Join(' ', utilizations)}  migrations {migrations.Migrations}"));
            }
        }

        return atWarmup ?? driver.ReadStatistics();
    }

    private async Task<StrategyResult> MeasureAsync(
        InProcessTestCluster cluster,
        List<(int Index, SiloAddress SiloAddress)> silos,
        string[] partitionIds,
        WorkloadStatistics end,
        WorkloadStatistics atWarmup,
        long migrations,
        DateTimeOffset measuredFrom)
    {
        var buckets = (int)Math.Ceiling(settings.Duration / settings.SampleInterval);
        var utilization = new double?[silos.Count][];
        for (var s = 0; s < silos.Count; s++)
        {
            utilization[s] = new double?[buckets];
            var samples = await cluster.Client.GetNodeMonitor(silos[s].SiloAddress).GetSamples(0, 100_000);
            var sums = new double[buckets];
            var counts = new int[buckets];
            foreach (var sample in samples)
            {
                var bucket = (int)Math.Floor((sample.Timestamp - measuredFrom) / settings.SampleInterval);
                if (bucket >= 0 && bucket < buckets && sample.Utilization is { } u && double.IsFinite(u))
                {
                    sums[bucket] += u;
                    counts[bucket]++;
                }
            }

            for (var b = 0; b < buckets; b++)
            {
                utilization[s][b] = counts[b] > 0 ? sums[b] / counts[b] : null;
            }
        }

        var (imbalanceSeries, peaks, means) = ImbalanceOver(utilization, window: 1);
        var windowBuckets = Math.Max(1, (int)Math.Round(settings.ImbalanceWindow / settings.SampleInterval));
        var (windowSeries, _, _) = ImbalanceOver(utilization, windowBuckets);
        var judged = windowSeries.Where(v => v is not null).Select(v => v!.Value).ToList();
        var judgedPerSample = imbalanceSeries.Where(v => v is not null).Select(v => v!.Value).ToList();

        // What the partitions hold durably, against what the client was told.
        var partitionsPerSilo = new Dictionary<string, int>();
        long appliedInPartitions = 0;
        foreach (var id in partitionIds)
        {
            var status = await cluster.Client.GetGrain<IWorkPartitionGrain>(id).GetStatus();
            appliedInPartitions += status.ItemsApplied;
            if (status.ItemsApplied > 0)
            {
                partitionsPerSilo[status.Silo] = partitionsPerSilo.GetValueOrDefault(status.Silo) + 1;
            }
        }

        var acknowledged = end.Applied + end.Duplicates;
        var measuredLatency = end.Latency.Subtract(atWarmup.Latency);
        var measuredAcks = acknowledged - (atWarmup.Applied + atWarmup.Duplicates);

        var result = new StrategyResult
        {
            Name = strategy.Name,
            Description = strategy.Description,
            Imbalance = JsonOutput.Round(judged.Count > 0 ? judged.Average() : double.NaN),
            ImbalancePerSample = JsonOutput.Round(judgedPerSample.Count > 0 ? judgedPerSample.Average() : double.NaN),
            P50Ms = measuredLatency.PercentileMs(0.50) is { } p50 ? JsonOutput.Round(p50, 2) : null,
            P99Ms = measuredLatency.PercentileMs(0.99) is { } p99 ? JsonOutput.Round(p99, 2) : null,
            Throughput = JsonOutput.Round(measuredAcks / settings.Duration.TotalSeconds, 2),
            Lost = Math.Max(0, acknowledged - appliedInPartitions),
            Failed = end.NotAcknowledged + end.Shed,
            Duplicated = Math.Max(0, appliedInPartitions - end.Submitted),
            Migrations = migrations,
            Submitted = end.Submitted,
            Acknowledged = acknowledged,
            MeanPeakUtilization = JsonOutput.Round(peaks.Count > 0 ? peaks.Average() : double.NaN),
            MeanUtilization = JsonOutput.Round(means.Count > 0 ? means.Average() : double.NaN),
            Silos = silos.Select((silo, s) =>
            {
                var key = NodeMonitorKey.For(silo.SiloAddress);
                var present = utilization[s].Where(v => v is not null).Select(v => v!.Value).ToList();
                return new SiloSeries(
                    $"silo-{silo.Index}",
                    key,
                    settings.CapacityOf(silo.Index),
                    silo.Index == settings.WeakSilo,
                    JsonOutput.Round(present.Count > 0 ? present.Average() : double.NaN),
                    partitionsPerSilo.GetValueOrDefault(key),
                    utilization[s].Select(v => v is { } x ? JsonOutput.Round(x, 3) : (double?)null).ToList());
            }).ToList(),
            ImbalanceSeries = windowSeries.Select(v => v is { } x ? JsonOutput.Round(x, 3) : (double?)null).ToList(),
        };

        return strategy.IsAdaptive ? await AddSupervisorFiguresAsync(cluster, result) : await CheckBaselineAsync(cluster, result);
    }

    /// <summary>
    /// Max ÷ mean of the silos' utilisation per window of <paramref name="window"/> samples (each silo's samples
    /// averaged over the window first), skipping windows with a missing sample or too little load to judge; also the
    /// peak and mean utilisation of every complete window.
    /// </summary>
    private static (double?[] Series, List<double> Peaks, List<double> Means) ImbalanceOver(double?[][] utilization, int window)
    {
        var buckets = utilization[0].Length / window;
        var series = new double?[buckets];
        var peaks = new List<double>();
        var means = new List<double>();
        for (var b = 0; b < buckets; b++)
        {
            var values = new double[utilization.Length];
            var complete = true;
            for (var s = 0; s < utilization.Length && complete; s++)
            {
                var sum = 0.0;
                for (var k = b * window; k < (b + 1) * window; k++)
                {
                    if (utilization[s][k] is not { } u)
                    {
                        complete = false;
                        break;
                    }

                    sum += u;
                }

                values[s] = sum / window;
            }

            if (!complete)
            {
                continue;
            }

            var mean = values.Average();
            means.Add(mean);
            peaks.Add(values.Max());
            if (mean >= MinimumMeanUtilization)
            {
                series[b] = values.Max() / mean;
            }
        }

        return (series, peaks, means);
    }

    private async Task<StrategyResult> AddSupervisorFiguresAsync(InProcessTestCluster cluster, StrategyResult result)
    {
        var supervisor = cluster.Client.GetSupervisor();
        var status = await supervisor.GetStatus();
        var decisions = await supervisor.GetDecisions(0, 100_000);
        if (settings.DecisionsPath is { } path)
        {
            await JsonOutput.WriteAsync(path, decisions, CancellationToken.None);
        }

        var perCycle = decisions.Where(d => d.Kind == DecisionKind.Migration).GroupBy(d => d.Cycle).Select(g => g.Count()).DefaultIfEmpty(0).Max();
        var options = cluster.Silos[0].ServiceProvider.GetRequiredService<IOptions<AdaptiveRuntimeOptions>>().Value;
        return result with
        {
            MigrationBudgetPerCycle = options.Rebalancing.MaxMigrationsPerCycle,
            MaxMigrationsInOneCycle = perCycle,
            MigrationsFailed = status.MigrationsFailed,
            ForecastMae = status.ForecastMeanAbsoluteError is { } f ? JsonOutput.Round(f, 2) : null,
            LastValueMae = status.LastValueMeanAbsoluteError is { } l ? JsonOutput.Round(l, 2) : null,
        };
    }

    /// <summary>Fails the pass if Orleans' strategy did not in fact place the partitions, or the statistics were not ours.</summary>
    private static Task<StrategyResult> CheckBaselineAsync(InProcessTestCluster cluster, StrategyResult result)
    {
        foreach (var silo in cluster.Silos)
        {
            var provider = silo.ServiceProvider.GetRequiredService<IEnvironmentStatisticsProvider>();
            if (provider is not SimulatedEnvironmentStatistics { Reads: > 0 })
            {
                throw new InvalidOperationException($"Silo {silo.Name} did not read the simulated statistics ({provider.GetType().Name}): the baselines would see the wrong CPU.");
            }
        }

        if (!cluster.Silos.Any(s => s.ServiceProvider.GetService<WorkPartitionPlacementOverride>() is { Resolved: > 0 }))
        {
            throw new InvalidOperationException($"{result.Name}: work partitions were not placed by the Orleans strategy under test.");
        }

        return Task.FromResult(result);
    }
}
