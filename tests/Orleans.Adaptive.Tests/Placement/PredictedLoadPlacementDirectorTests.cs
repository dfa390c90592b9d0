using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Adaptive.Placement;
using Orleans.Runtime.Placement;

namespace Orleans.Adaptive.Tests.Placement;

public sealed class PredictedLoadPlacementDirectorTests
{
    private static readonly SiloAddress[] Silos = Enumerable.Range(0, 6)
        .Select(i => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111 + i), i + 1))
        .ToArray();

    private readonly FakeTimeProvider _time = new();
    private readonly RecordingFallback _fallback = new();

    [Fact]
    public async Task NeverPicksAQuarantinedOrDrainingSilo()
    {
        var random = new Random(7);
        for (var round = 0; round < 50; round++)
        {
            // Random loads and states, at least one silo active.
            var states = Silos.Select(_ => (SiloAdaptiveState)random.Next(3)).ToArray();
            states[random.Next(states.Length)] = SiloAdaptiveState.Active;
            var (director, _) = Create(View(loads: Silos.Select(_ => random.NextDouble() * 900).ToArray(), states: states));

            for (var i = 0; i < 200; i++)
            {
                var chosen = await director.OnAddActivation(PredictedLoadPlacement.Instance, Target(), Context(Silos));
                Assert.Equal(SiloAdaptiveState.Active, states[Array.IndexOf(Silos, chosen)]);
            }
        }

        Assert.Equal(0, _fallback.Calls);
    }

    [Fact]
    public async Task HonoursAHintToAnActiveSilo_AndIgnoresOneToAQuarantinedSilo()
    {
        var states = new[] { SiloAdaptiveState.Active, SiloAdaptiveState.Quarantined, SiloAdaptiveState.Active, SiloAdaptiveState.Active, SiloAdaptiveState.Draining, SiloAdaptiveState.Active };
        var (director, _) = Create(View(loads: [900, 0, 100, 100, 0, 100], states: states));

        // Silo 0 is the most loaded, yet a hint to it (a migration) is followed.
        Assert.Equal(Silos[0], await director.OnAddActivation(PredictedLoadPlacement.Instance, Target(hint: Silos[0]), Context(Silos)));
        for (var i = 0; i < 50; i++)
        {
            var chosen = await director.OnAddActivation(PredictedLoadPlacement.Instance, Target(hint: Silos[1]), Context(Silos));
            Assert.NotEqual(Silos[1], chosen);
            Assert.NotEqual(Silos[4], chosen);
        }
    }

    [Fact]
    public async Task ABurst_SpreadsByHeadroom_InsteadOfHerding()
    {
        // Silo 0 looks empty; all others are half full. 600 placements between two views.
        var (director, _) = Create(View(loads: [0, 500, 500, 500, 500, 500], expectedPartitionLoad: 5));
        var counts = new int[Silos.Length];
        for (var i = 0; i < 600; i++)
        {
            counts[Array.IndexOf(Silos, await director.OnAddActivation(PredictedLoadPlacement.Instance, Target(), Context(Silos)))]++;
        }

        // Silo 0 first fills its 500 of headroom (100 placements), then the load spreads evenly: ~183 vs ~83.
        Assert.InRange(counts[0], 120, 260);
        Assert.All(counts.Skip(1), count => Assert.InRange(count, 40, 130));
    }

    [Fact]
    public async Task FallsBackToOrleans_WithoutAView_WhenAdaptationIsOff_AndWhenTheViewIsStale()
    {
        var (director, holder) = Create(view: null);
        await director.OnAddActivation(PredictedLoadPlacement.Instance, Target(), Context(Silos));
        Assert.Equal(1, _fallback.Calls);

        holder.Update(View(loads: new double[Silos.Length], adaptationEnabled: false));
        await director.OnAddActivation(PredictedLoadPlacement.Instance, Target(), Context(Silos));
        Assert.Equal(2, _fallback.Calls);

        holder.Update(View(loads: new double[Silos.Length], version: 2));
        await director.OnAddActivation(PredictedLoadPlacement.Instance, Target(), Context(Silos));
        Assert.Equal(2, _fallback.Calls); // fresh view: ours

        _time.Advance(TimeSpan.FromSeconds(6)); // 5 cycles of 1 s without a newer view
        await director.OnAddActivation(PredictedLoadPlacement.Instance, Target(), Context(Silos));
        Assert.Equal(3, _fallback.Calls);
    }

    [Fact]
    public async Task ASiloTheViewDoesNotKnowYet_CanReceiveActivations()
    {
        var known = Silos[..3];
        var (director, _) = Create(View(loads: [800, 800, 800], silos: known));
        var chosen = new HashSet<SiloAddress>();
        for (var i = 0; i < 100; i++)
        {
            chosen.Add(await director.OnAddActivation(PredictedLoadPlacement.Instance, Target(), Context(Silos[..4])));
        }

        Assert.Contains(Silos[3], chosen);
    }

    private (PredictedLoadPlacementDirector Director, ClusterViewHolder Holder) Create(ClusterLoadView? view)
    {
        var options = Options.Create(new AdaptiveRuntimeOptions());
        var holder = new ClusterViewHolder(options, _time);
        if (view is not null)
        {
            holder.Update(view);
        }

        var services = new ServiceCollection()
            .AddKeyedSingleton<IPlacementDirector>(typeof(ResourceOptimizedPlacement), _fallback)
            .BuildServiceProvider();
        return (new PredictedLoadPlacementDirector(holder, services, options), holder);
    }

    private static ClusterLoadView View(
        double[] loads,
        SiloAdaptiveState[]? states = null,
        SiloAddress[]? silos = null,
        double expectedPartitionLoad = 10,
        bool adaptationEnabled = true,
        long version = 1)
    {
        silos ??= Silos;
        return new ClusterLoadView
        {
            Version = version,
            CycleInterval = TimeSpan.FromSeconds(1),
            AdaptationEnabled = adaptationEnabled,
            ExpectedPartitionLoad = expectedPartitionLoad,
            Silos = silos.Select((silo, i) => new SiloForecast
            {
                Silo = NodeMonitorKey.For(silo),
                Capacity = 1000,
                PredictedLoad = loads[i],
                State = states?[i] ?? SiloAdaptiveState.Active,
            }).ToList(),
        };
    }

    private static PlacementTarget Target(SiloAddress? hint = null)
    {
        var context = new Dictionary<string, object>();
        if (hint is not null)
        {
            context[IPlacementDirector.PlacementHintKey] = hint;
        }

        return new PlacementTarget(GrainId.Create("workpartition", Guid.NewGuid().ToString("N")), context, default, 0);
    }

    private static TestPlacementContext Context(SiloAddress[] compatible) => new(compatible[0], compatible);

    private sealed class RecordingFallback : IPlacementDirector
    {
        public int Calls { get; private set; }

        public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
        {
            Calls++;
            return Task.FromResult(context.GetCompatibleSilos(target)[0]);
        }
    }
}

/// <summary>A placement context over a fixed list of compatible silos.</summary>
internal sealed class TestPlacementContext(SiloAddress local, SiloAddress[] compatible) : IPlacementContext
{
    public SiloAddress LocalSilo => local;

    public SiloStatus LocalSiloStatus => SiloStatus.Active;

    public SiloAddress[] GetCompatibleSilos(PlacementTarget target) => compatible;

    public IReadOnlyDictionary<ushort, SiloAddress[]> GetCompatibleSilosWithVersions(PlacementTarget target)
        => new Dictionary<ushort, SiloAddress[]> { [0] = compatible };
}
