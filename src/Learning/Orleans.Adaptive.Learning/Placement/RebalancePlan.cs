using System.Globalization;

namespace Orleans.Adaptive.Learning.Placement;

/// <summary>What a silo may do in placement and rebalancing.</summary>
public enum SiloRole
{
    /// <summary>Healthy: hosts work, receives new and moved partitions.</summary>
    Active,

    /// <summary>Being emptied (scale-in): receives nothing; all its partitions are moved off.</summary>
    Draining,

    /// <summary>Suspected of failing: receives nothing; all its partitions are moved off.</summary>
    Quarantined,
}

/// <summary>A silo as the planner sees it.</summary>
/// <param name="Silo">The silo's name.</param>
/// <param name="Capacity">Its capacity (work units per second, or any unit shared by all silos); greater than zero.</param>
/// <param name="PredictedLoad">Its predicted load over the next interval, same unit; 0 or more.</param>
/// <param name="Role">What it may do.</param>
public readonly record struct SiloLoadInput(string Silo, double Capacity, double PredictedLoad, SiloRole Role = SiloRole.Active);

/// <summary>A partition as the planner sees it.</summary>
/// <param name="Partition">The partition's name.</param>
/// <param name="SiloIndex">Index, in the planner's silo list, of the silo hosting it.</param>
/// <param name="PredictedLoad">Its predicted load over the next interval; 0 or more.</param>
public readonly record struct PartitionLoadInput(string Partition, int SiloIndex, double PredictedLoad);

/// <summary>Why a move was planned.</summary>
public enum MoveReason
{
    /// <summary>The source silo's predicted utilization stayed above the imbalance threshold.</summary>
    HotSilo,

    /// <summary>The source silo is being drained.</summary>
    Draining,

    /// <summary>The source silo is quarantined.</summary>
    Quarantined,
}

/// <summary>One planned migration, with the numbers that justified it.</summary>
/// <param name="Partition">The partition to move.</param>
/// <param name="From">The silo it leaves.</param>
/// <param name="To">The silo it goes to.</param>
/// <param name="Reason">Why.</param>
/// <param name="PartitionLoad">The partition's predicted load.</param>
/// <param name="FromUtilizationBefore">The source's predicted utilization before the move (after earlier moves of the same plan).</param>
/// <param name="FromUtilizationAfter">The source's predicted utilization after it.</param>
/// <param name="ToUtilizationBefore">The target's predicted utilization before the move.</param>
/// <param name="ToUtilizationAfter">The target's predicted utilization after it.</param>
/// <param name="BalancedUtilization">The utilization every active silo would have if load were perfectly spread.</param>
public sealed record PlannedMove(
    string Partition,
    string From,
    string To,
    MoveReason Reason,
    double PartitionLoad,
    double FromUtilizationBefore,
    double FromUtilizationAfter,
    double ToUtilizationBefore,
    double ToUtilizationAfter,
    double BalancedUtilization)
{
    /// <summary>A one-line explanation, with the figures.</summary>
    public string Explain()
    {
        var why = Reason switch
        {
            MoveReason.Draining => $"silo {From} is draining",
            MoveReason.Quarantined => $"silo {From} is quarantined",
            _ => $"silo {From} is predicted at {Percent(FromUtilizationBefore)} utilization, above the balanced {Percent(BalancedUtilization)} by more than the threshold",
        };
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{why}; partition {Partition} (predicted {PartitionLoad:0.##} units/s) moves to {To}, taking it from {Percent(ToUtilizationBefore)} to {Percent(ToUtilizationAfter)} and {From} from {Percent(FromUtilizationBefore)} to {Percent(FromUtilizationAfter)}.");
    }

    private static string Percent(double fraction) => string.Create(CultureInfo.InvariantCulture, $"{fraction * 100:0}%");
}

/// <summary>The outcome of one planning cycle.</summary>
/// <param name="Moves">The moves to make, in order; at most the budget.</param>
/// <param name="BalancedUtilization">Total predicted load ÷ total capacity of the active silos.</param>
/// <param name="ImbalanceBefore">Highest predicted utilization of an active silo ÷ the balanced one, before the moves (1 = perfect).</param>
/// <param name="ImbalanceAfter">The same after the moves.</param>
/// <param name="HotSilos">Silos hot for long enough to move work off (before the moves).</param>
/// <param name="CoolingDown">Partitions on sources that could not move because they moved recently.</param>
public sealed record RebalancePlan(
    IReadOnlyList<PlannedMove> Moves,
    double BalancedUtilization,
    double ImbalanceBefore,
    double ImbalanceAfter,
    IReadOnlyList<string> HotSilos,
    int CoolingDown)
{
    /// <summary>A plan that moves nothing.</summary>
    public static RebalancePlan Empty { get; } = new([], 0, 1, 1, [], 0);
}
