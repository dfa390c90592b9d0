using Orleans.Adaptive.Learning.Placement;

namespace Orleans.Adaptive.Tests.Learning.Placement;

public sealed class ScaleAdvisorTests
{
    [Fact]
    public void DesiredSilos_IsPredictedLoadOverCapacityTimesTarget()
    {
        var advisor = new ScaleAdvisor(new ScaleOptions { TargetUtilization = 0.5, StableEvaluations = 1 });
        Assert.Equal(3, advisor.Evaluate(1200, 1000)); // 1200 / 500 = 2.4 → 3
        Assert.Equal(5, advisor.Evaluate(2500, 1000));
    }

    [Fact]
    public void ScalingIn_NeedsTheMargin_AndEveryChangeNeedsStableEvaluations()
    {
        var advisor = new ScaleAdvisor(new ScaleOptions { TargetUtilization = 0.5, ScaleInMargin = 0.2, StableEvaluations = 2 });
        Assert.Equal(3, advisor.Evaluate(1200, 1000));
        // 950 would fit in 2 silos at the target (1000), but not with the 20% margin (800): stays at 3.
        Assert.Equal(3, advisor.Evaluate(950, 1000));
        Assert.Equal(3, advisor.Evaluate(950, 1000));
        // 700 fits with margin; published after two evaluations in a row.
        Assert.Equal(3, advisor.Evaluate(700, 1000));
        Assert.Equal(2, advisor.Evaluate(700, 1000));
        // A one-off spike does not scale out; a sustained one does.
        Assert.Equal(2, advisor.Evaluate(2000, 1000));
        Assert.Equal(2, advisor.Evaluate(700, 1000));
        Assert.Equal(2, advisor.Evaluate(2000, 1000));
        Assert.Equal(4, advisor.Evaluate(2000, 1000));
    }

    [Fact]
    public void Advice_StaysWithinBounds_AndUnknownCapacityChangesNothing()
    {
        var advisor = new ScaleAdvisor(new ScaleOptions { MinSilos = 2, MaxSilos = 4, StableEvaluations = 1 });
        Assert.Equal(2, advisor.Evaluate(0, 100));
        Assert.Equal(4, advisor.Evaluate(1e9, 100));
        Assert.Equal(4, advisor.Evaluate(10, double.NaN));
        Assert.Null(new ScaleAdvisor().Evaluate(10, 0));
    }
}
