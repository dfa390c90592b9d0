namespace Orleans.Adaptive.Bench.Scale;

/// <summary>The JSON document <c>bench/Scale</c> writes (contract in bench/README.md).</summary>
internal sealed record ScaleReport(
    int Silos,
    int Partitions,
    int Cycles,
    TimingResult PlannerCycleMs,
    TimingResult SupervisorCycleMs,
    TimingResult ViewCompileMs,
    double DirectorNanosecondsPerDecision,
    double DirectorBytesPerDecision,
    long Decisions,
    double MovesPerCycle,
    double ImbalanceBefore,
    double ImbalanceAfter,
    ScaleTargets Targets,
    int ProcessorCount,
    string Runtime);

/// <summary>Milliseconds per cycle over the measured cycles (after warm-up).</summary>
internal sealed record TimingResult(double Median, double P95, double Max, double Mean);

internal sealed record ScaleTargets(double PlanningCycleMs, double DirectorNanoseconds, bool PlanningMet, bool DirectorMet);
