using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;

namespace Orleans.Adaptive.Tests.Cluster;

/// <summary>
/// Detection, quarantine and draining end to end on a four-silo in-process cluster with fault injection, storage
/// shared by the process (so a stopped silo loses nothing) and fast cycles (200 ms).
/// </summary>
public sealed class SelfHealingClusterTests : IAsyncLifetime
{
    private const int Silos = 4;
    private const int PartitionsPerSilo = 4;
    private InProcessTestCluster _cluster = null!;
    private readonly List<IWorkPartitionGrain> _partitions = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task<long>> _producers = [];
    private int _failedCalls;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Where the test's calls come from: the test client, or a silo's own grain factory.</summary>
    private IGrainFactory _grains = null!;

    private ISupervisorGrain Supervisor => _grains.GetSupervisor();

    public async ValueTask InitializeAsync()
    {
        var store = new ProcessMemoryStore();
        var builder = new InProcessTestClusterBuilder(Silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddProcessMemoryGrainStorage(AdaptiveStorage.ProviderName, store);
            silo.AddAdaptiveRuntime(runtime =>
            {
                runtime.NodeMonitor.SampleInterval = TimeSpan.FromMilliseconds(200);
                runtime.Capacity.WorkUnitsPerSecond = 1000;
                runtime.FaultInjection.Enabled = true;
                runtime.Rebalancing.MaxMigrationsPerCycle = 2;
                runtime.Rebalancing.PartitionCooldown = TimeSpan.FromSeconds(2);
                runtime.Health.MinimumTraining = 60;
                runtime.Health.BaselineWindow = 100;
                runtime.Health.ReleaseCycles = 10_000; // nothing is released during a test
                runtime.Health.SilentCycles = 10;
            });
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        _grains = _cluster.Client;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_producers.Select(p => p.ContinueWith(static _ => { }, TaskScheduler.Default)));
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task ADegradingSilo_IsQuarantined_AndItsPartitionsMoveOff_WithoutAFailedCall()
    {
        await StartWorkloadAsync();
        await WaitForHealthModelAsync();

        var sick = _cluster.Silos[2].SiloAddress;
        await _cluster.Client.GetFaultInjection(sick).Inject(new FaultSpec { Kind = FaultKind.CpuDegrade, Severity = 0.1, Ramp = TimeSpan.FromSeconds(8) });

        var quarantinedAt = await WaitForAsync(async () => (await Supervisor.GetStatus()).Quarantined.Contains(NodeMonitorKey.For(sick)), TimeSpan.FromSeconds(30));
        await WaitForAsync(async () => (await CountPerSiloAsync())[2] == 0, TimeSpan.FromSeconds(30));

        // New partitions avoid it.
        for (var i = 0; i < 12; i++)
        {
            var status = await _cluster.Client.GetGrain<IWorkPartitionGrain>($"new-{i}-{Guid.NewGuid():N}").GetStatus();
            Assert.NotEqual(NodeMonitorKey.For(sick), status.Silo);
        }

        var decisions = await Supervisor.GetDecisions(0, 10_000);
        var failing = Assert.Single(decisions, d => d.Kind == DecisionKind.HealthChanged && d.Subject == NodeMonitorKey.For(sick) && d.Reason.Contains("is Failing", StringComparison.Ordinal));
        Assert.True(failing.Inputs.Keys.Any(k => k.StartsWith("cost", StringComparison.Ordinal) || k.StartsWith("latency-", StringComparison.Ordinal)), string.Join(", ", failing.Inputs.Keys));
        Assert.Contains(decisions, d => d.Kind == DecisionKind.SiloStateChanged && d.Subject == NodeMonitorKey.For(sick) && d.Reason.Contains("quarantined", StringComparison.Ordinal));
        Assert.DoesNotContain(decisions, d => d.Kind == DecisionKind.HealthChanged && d.Subject != NodeMonitorKey.For(sick) && d.Reason.Contains("is Failing", StringComparison.Ordinal));
        // Its own partitions all left (it holds none now); before the fault the rebalancer may have moved one more onto it.
        var drains = decisions.Where(d => d.Kind == DecisionKind.Migration && d.From == NodeMonitorKey.For(sick)).ToList();
        Assert.InRange(drains.Count, PartitionsPerSilo, PartitionsPerSilo + 2);
        Assert.All(drains.GroupBy(d => d.Cycle), cycle => Assert.True(cycle.Count() <= 2));

        // Every item so far was applied exactly once (a failed call would have faulted its producer).
        await StopWorkloadAsync();
        TestContext.Current.TestOutputHelper?.WriteLine($"quarantined after {quarantinedAt.TotalSeconds:0.0} s; drained in {drains.Select(d => d.Cycle).Distinct().Count()} cycles");
    }

    [Fact]
    public async Task WhenMostSilosRunOutOfMemoryAtOnce_AMajorityIsNeverQuarantined()
    {
        await StartWorkloadAsync();
        await WaitForHealthModelAsync();

        foreach (var silo in _cluster.Silos.Take(3))
        {
            await _cluster.Client.GetFaultInjection(silo.SiloAddress).Inject(new FaultSpec { Kind = FaultKind.MemoryLeak, MemoryMbPerSecond = 40, MemoryLimitMb = 4096 });
        }

        // Each leaking silo heads for its limit; the cap (⌊0.4 × 4⌋ = 1) lets one be quarantined and refuses the rest.
        await WaitForAsync(async () => (await Supervisor.GetDecisions(0, 10_000)).Count(d => d.Kind == DecisionKind.QuarantineRefused) >= 2, TimeSpan.FromSeconds(40));
        for (var i = 0; i < 10; i++)
        {
            var status = await Supervisor.GetStatus();
            Assert.Equal(1, status.MaxQuarantined);
            Assert.True(status.Quarantined.Count <= 1, $"{status.Quarantined.Count} quarantined");
            await Task.Delay(200, Cancel);
        }

        Assert.Single((await Supervisor.GetStatus()).Quarantined);
        var health = await Supervisor.GetHealth();
        Assert.Equal(3, health.Count(h => h.Health == SiloHealthState.Failing));
        Assert.All(health.Where(h => h.Health == SiloHealthState.Failing), h => Assert.Contains(h.TopFeatures, f => f.Feature == "memory.time-to-limit"));
        await StopWorkloadAsync();
    }

    [Fact]
    public async Task TheKillSwitch_StopsEveryAction_ButNotDetection()
    {
        await StartWorkloadAsync();
        await WaitForHealthModelAsync();
        Assert.False(await Supervisor.SetAdaptation(false, "test: kill switch"));
        var before = (await Supervisor.GetStatus()).LatestDecisionId;

        var sick = _cluster.Silos[1].SiloAddress;
        await _cluster.Client.GetFaultInjection(sick).Inject(new FaultSpec { Kind = FaultKind.MemoryLeak, MemoryMbPerSecond = 40, MemoryLimitMb = 4096 });
        await WaitForAsync(async () => (await Supervisor.GetHealth()).Any(h => h.Silo == NodeMonitorKey.For(sick) && h.Health == SiloHealthState.Failing), TimeSpan.FromSeconds(40));
        await Task.Delay(2000, Cancel);

        var decisions = await Supervisor.GetDecisions(before, 10_000);
        Assert.Contains(decisions, d => d.Kind == DecisionKind.HealthChanged);
        Assert.DoesNotContain(decisions, d => d.Kind is DecisionKind.Migration or DecisionKind.SiloStateChanged or DecisionKind.Eviction or DecisionKind.QuarantineRefused);
        Assert.Empty((await Supervisor.GetStatus()).Quarantined);
        Assert.Equal(PartitionsPerSilo, (await CountPerSiloAsync())[1]);
        await StopWorkloadAsync();
    }

    [Fact]
    public async Task KillingTheSupervisorsSilo_InTheMiddleOfADrain_StillCompletesTheDrain()
    {
        await StartWorkloadAsync();
        var supervisorSilo = (await Supervisor.GetStatus()).Silo;
        var victim = _cluster.Silos.First(s => NodeMonitorKey.For(s.SiloAddress) == supervisorSilo);
        var drained = _cluster.Silos.First(s => s != victim && s != _cluster.Silos[0]);
        var drainedKey = NodeMonitorKey.For(drained.SiloAddress);

        await Supervisor.SetQuarantine(drainedKey, true, "test: drain");
        await WaitForAsync(async () => (await Supervisor.GetDecisions(0, 10_000)).Any(d => d.Kind == DecisionKind.Migration && d.From == drainedKey), TimeSpan.FromSeconds(20));

        // The supervisor's silo dies mid-drain; a new activation elsewhere reloads the quarantine and finishes.
        await _cluster.KillSiloAsync(victim, Cancel);
        await WaitForAsync(async () => (await Supervisor.GetStatus()).Silo != supervisorSilo, TimeSpan.FromSeconds(30));
        await WaitForAsync(async () => (await CountPerSiloAsync()).Sum() == _partitions.Count && await OnSiloAsync(drainedKey) == 0, TimeSpan.FromSeconds(40));

        var status = await Supervisor.GetStatus();
        Assert.Contains(drainedKey, status.Quarantined);
        Assert.NotEqual(supervisorSilo, status.Silo);
        await StopWorkloadAsync(callsMayFail: true); // calls to partitions on the killed silo failed, and were retried

    }

    [Fact]
    public async Task APartitionedSilo_IsEvicted_AndItsPartitionsServeElsewhere_WithNothingLost()
    {
        // Calls come from inside silo 0: a plain client whose gateway is on the cut silo stalls with it (its gateway
        // list does not drop the silo in this test host); the client library's handling of that is measured by
        // bench/Faults across processes.
        _grains = _cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();
        await StartWorkloadAsync();
        var supervisorSilo = (await Supervisor.GetStatus()).Silo;
        var cut = _cluster.Silos.Select(s => s.SiloAddress).First(s => NodeMonitorKey.For(s) != supervisorSilo && s != _cluster.Silos[0].SiloAddress);
        var cutKey = NodeMonitorKey.For(cut);
        // A second's delay, or the partition would cut off the answer to this very call.
        await _grains.GetFaultInjection(cut).Inject(new FaultSpec { Kind = FaultKind.Partition, StartAfter = TimeSpan.FromSeconds(1) });

        var evictedAfter = await WaitForAsync(async () => (await Supervisor.GetDecisions(0, 10_000)).Any(d => d.Kind == DecisionKind.Eviction && d.Subject == cutKey), TimeSpan.FromSeconds(30));
        var servedAfter = await WaitForAsync(async () => (await OnSiloAsync(cutKey)) == 0, TimeSpan.FromSeconds(30));
        // The supervisor records the re-activations once they are done, which may be after the partitions serve again.
        await WaitForAsync(async () => (await Supervisor.GetDecisions(0, 10_000)).Any(d => d.Kind == DecisionKind.Reactivation), TimeSpan.FromSeconds(30));
        var decisions = await Supervisor.GetDecisions(0, 10_000);
        Assert.Contains(decisions, d => d.Kind == DecisionKind.HealthChanged && d.Subject == cutKey && d.Reason.Contains("readings stopped arriving", StringComparison.Ordinal));
        await StopWorkloadAsync(callsMayFail: true); // calls caught in the partition failed when it was evicted, and were retried
        TestContext.Current.TestOutputHelper?.WriteLine($"evicted after {evictedAfter.TotalSeconds:0.0} s; partitions serving elsewhere {servedAfter.TotalSeconds:0.0} s later");
    }

    private async Task StartWorkloadAsync()
    {
        for (var s = 0; s < Silos; s++)
        {
            for (var p = 0; p < PartitionsPerSilo; p++)
            {
                _partitions.Add(await ActivateOnAsync(_cluster.Silos[s].SiloAddress, $"heal-{s}-{p}-{Guid.NewGuid():N}"));
            }
        }

        foreach (var (partition, i) in _partitions.Select((p, i) => (p, i)))
        {
            _producers.Add(ProduceAsync(partition, $"heal-producer-{i}", _stop.Token));
        }
    }

    /// <summary>
    /// Stops the producers and checks that every acknowledged item is in its partition's durable count exactly once
    /// (an item in flight at the stop may be applied without being counted), and how many calls failed.
    /// </summary>
    private async Task StopWorkloadAsync(bool callsMayFail = false)
    {
        await _stop.CancelAsync();
        var acknowledged = await Task.WhenAll(_producers);
        for (var i = 0; i < _partitions.Count; i++)
        {
            Assert.InRange((await _partitions[i].GetStatus()).ItemsApplied, acknowledged[i], acknowledged[i] + 1);
        }

        if (!callsMayFail)
        {
            Assert.Equal(0, _failedCalls);
        }
    }

    private async Task WaitForHealthModelAsync()
        => await WaitForAsync(async () => (await Supervisor.GetStatus()).HealthModelTrainings >= 1, TimeSpan.FromSeconds(30));

    private Task<IWorkPartitionGrain> ActivateOnAsync(SiloAddress silo, string id) => _grains.ActivatePartitionOnAsync(silo, id);

    private async Task<int[]> CountPerSiloAsync()
    {
        var silos = _cluster.Silos.Select(s => NodeMonitorKey.For(s.SiloAddress)).ToList();
        var counts = new int[Silos];
        foreach (var partition in _partitions)
        {
            var index = silos.IndexOf((await partition.GetStatus()).Silo);
            if (index >= 0)
            {
                counts[index]++;
            }
        }

        return counts;
    }

    private async Task<string> DescribeHealthAsync()
    {
        try
        {
            var status = await Supervisor.GetStatus();
            var health = await Supervisor.GetHealth();
            var decisions = await Supervisor.GetDecisions(0, 10_000);
            return $"trainings {status.HealthModelTrainings}, quarantined [{string.Join(", ", status.Quarantined)}]\n"
                + string.Join("\n", health.Select(h => $"  {h.Silo}: {h.Health} score {h.Score:0.000}/{h.Threshold:0.000} {h.Explanation}"))
                + "\n" + string.Join("\n", decisions.Where(d => d.Kind != DecisionKind.Migration).TakeLast(20).Select(d => $"  #{d.Id} {d.Kind} {d.Reason}"));
        }
        catch (Exception exception)
        {
            return $"(could not ask the supervisor: {exception.Message})";
        }
    }

    private async Task<int> OnSiloAsync(string silo)
    {
        var count = 0;
        foreach (var partition in _partitions)
        {
            count += (await partition.GetStatus()).Silo == silo ? 1 : 0;
        }

        return count;
    }

    /// <summary>
    /// About 100 work units/s per partition (40% of each silo's capacity). A failed call is counted and the same item
    /// sent again (it carries its idempotency key), so an item is acknowledged once whatever happens.
    /// </summary>
    private async Task<long> ProduceAsync(IWorkPartitionGrain partition, string producer, CancellationToken stop)
    {
        long acknowledged = 0;
        for (var sequence = 1; !stop.IsCancellationRequested; sequence++)
        {
            while (true)
            {
                try
                {
                    var receipt = await partition.Submit(new WorkItem(producer, sequence, 2), CancellationToken.None);
                    Assert.True(receipt.Outcome is WorkOutcome.Applied or WorkOutcome.Duplicate);
                    acknowledged++;
                    break;
                }
                catch (Exception) when (!stop.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _failedCalls);
                    await Task.Delay(100, CancellationToken.None);
                }
                catch (Exception)
                {
                    return acknowledged; // stopping: this item's fate is unknown, and it is not counted
                }
            }

            try
            {
                await Task.Delay(20, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return acknowledged;
    }

    private async Task<TimeSpan> WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var started = DateTime.UtcNow;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return DateTime.UtcNow - started;
                }
            }
            catch (Exception) when (DateTime.UtcNow - started < timeout)
            {
                // The cluster is moving things around (a silo just died): ask again.
            }

            if (DateTime.UtcNow - started >= timeout)
            {
                Assert.Fail($"not within {timeout.TotalSeconds:0} s; the supervisor's view of health:\n{await DescribeHealthAsync()}");
            }

            await Task.Delay(200, Cancel);
        }
    }
}
