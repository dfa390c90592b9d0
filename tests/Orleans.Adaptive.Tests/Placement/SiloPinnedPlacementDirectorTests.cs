using System.Net;
using Orleans.Adaptive.Placement;
using Orleans.Metadata;
using Orleans.Runtime.Placement;

namespace Orleans.Adaptive.Tests.Placement;

public sealed class SiloPinnedPlacementDirectorTests
{
    private static readonly SiloAddress A = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly SiloAddress B = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 2);
    private readonly SiloPinnedPlacementDirector _director = new();

    [Fact]
    public async Task Places_TheGrainOnTheSiloItsKeyNames()
        => Assert.Equal(B, await _director.OnAddActivation(SiloPinnedPlacement.Instance, Target(B), new Context(A, [A, B])));

    [Fact]
    public async Task IgnoresAPlacementHintElsewhere()
    {
        var target = Target(B, hint: A);
        Assert.Equal(B, await _director.OnAddActivation(SiloPinnedPlacement.Instance, target, new Context(A, [A, B])));
    }

    [Fact]
    public async Task Fails_RatherThanPlaceElsewhere_WhenTheSiloIsGone()
    {
        var exception = await Assert.ThrowsAsync<SiloUnavailableException>(() => _director.OnAddActivation(SiloPinnedPlacement.Instance, Target(B), new Context(A, [A])));
        Assert.Contains(B.ToString(), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RejectsKeysThatAreNotSiloAddresses()
    {
        var target = new PlacementTarget(GrainId.Create("nodemonitor", "not-a-silo"), [], default, 0);
        await Assert.ThrowsAsync<ArgumentException>(() => _director.OnAddActivation(SiloPinnedPlacement.Instance, target, new Context(A, [A])));
    }

    [Fact]
    public void MonitorKeys_RoundTrip()
    {
        Assert.True(NodeMonitorKey.TryParse(NodeMonitorKey.For(B), out var parsed));
        Assert.Equal(B, parsed);
        Assert.False(NodeMonitorKey.TryParse("nonsense", out _));
        Assert.False(NodeMonitorKey.TryParse(null, out _));
    }

    private static PlacementTarget Target(SiloAddress pinnedTo, SiloAddress? hint = null)
    {
        var context = new Dictionary<string, object>();
        if (hint is not null)
        {
            context[IPlacementDirector.PlacementHintKey] = hint;
        }

        return new PlacementTarget(GrainId.Create("nodemonitor", NodeMonitorKey.For(pinnedTo)), context, default, 0);
    }

    private sealed class Context(SiloAddress local, SiloAddress[] compatible) : IPlacementContext
    {
        public SiloAddress LocalSilo => local;

        public SiloStatus LocalSiloStatus => SiloStatus.Active;

        public SiloAddress[] GetCompatibleSilos(PlacementTarget target) => compatible;

        public IReadOnlyDictionary<ushort, SiloAddress[]> GetCompatibleSilosWithVersions(PlacementTarget target)
            => new Dictionary<ushort, SiloAddress[]> { [0] = compatible };
    }
}
