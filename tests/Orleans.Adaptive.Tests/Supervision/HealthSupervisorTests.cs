using Orleans.Adaptive.Learning.Health;
using Orleans.Adaptive.Supervision;

namespace Orleans.Adaptive.Tests.Supervision;

public sealed class HealthSupervisorTests
{
    [Fact]
    public void AReleaseSaysWhichPathReleasedTheSilo()
    {
        var options = new HealthOptions { ReleaseCycles = 60, UnmeasuredReleaseFactor = 4 };
        NodeHealth Released(HealthRelease how, int after)
            => new("silo-1", HealthState.Healthy, HealthState.Failing, 0.4, 0.6, HealthEvidence.None, null, [], 1, how, after);

        var recovered = HealthSupervisor.ReleaseReason(Released(HealthRelease.Recovered, 60), options);
        Assert.Contains("measured calm for 60 cycles", recovered);
        Assert.DoesNotContain("probation", recovered);

        var probation = HealthSupervisor.ReleaseReason(Released(HealthRelease.Probation, 240), options);
        Assert.Contains("on probation", probation);
        Assert.Contains("240 cycles", probation);
        Assert.Contains("4 times the release time", probation);

        // Released without a release path of the detector's own (e.g. a supervisor that restarted and never saw it fail).
        Assert.Contains("no evidence", HealthSupervisor.ReleaseReason(Released(HealthRelease.None, 0), options));
        Assert.Contains("no verdict", HealthSupervisor.ReleaseReason(null, options));
    }
}
