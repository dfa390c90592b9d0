namespace Orleans.Adaptive.Bench.Scale;

/// <summary>
/// Silos and partitions with loads that drift from cycle to cycle: partitions are spread at random, their loads are
/// heavy-tailed (Pareto), a few silos run hot, and each cycle every load takes a random step.
/// </summary>
internal sealed class SyntheticCluster
{
    private readonly Random _random;
    private readonly double[] _baseLoads;

    public SyntheticCluster(IReadOnlyList<string> silos, int partitions, double meanUtilization, int seed)
    {
        _random = new Random(seed);
        Silos = silos.ToArray();
        // One silo in ten is half as strong: heterogeneous hardware.
        Capacities = Enumerable.Range(0, Silos.Length).Select(i => i % 10 == 9 ? 500.0 : 1000.0).ToArray();
        Partitions = Enumerable.Range(0, partitions).Select(i => $"workpartition/p{i:D6}").ToArray();
        PartitionSilo = new int[partitions];
        _baseLoads = new double[partitions];
        Loads = new double[partitions];
        for (var p = 0; p < partitions; p++)
        {
            // Hot silos (5%) get three times their share of partitions.
            var silo = _random.Next(Silos.Length);
            if (_random.NextDouble() < 0.1)
            {
                silo = _random.Next(Math.Max(1, Silos.Length / 20));
            }

            PartitionSilo[p] = silo;
            _baseLoads[p] = 1 / Math.Pow(1 - _random.NextDouble(), 1 / 2.5); // Pareto, shape 2.5
        }

        var scale = meanUtilization * Capacities.Sum() / _baseLoads.Sum();
        for (var p = 0; p < partitions; p++)
        {
            _baseLoads[p] *= scale;
            Loads[p] = _baseLoads[p];
        }
    }

    public string[] Silos { get; }

    public double[] Capacities { get; }

    public string[] Partitions { get; }

    public int[] PartitionSilo { get; }

    public double[] Loads { get; }

    /// <summary>Every load takes a random step of up to ±20% around its base.</summary>
    public void Step()
    {
        for (var p = 0; p < Loads.Length; p++)
        {
            Loads[p] = _baseLoads[p] * (0.8 + 0.4 * _random.NextDouble());
        }
    }

    /// <summary>Each silo's load: the sum of its partitions' loads.</summary>
    public double[] SiloLoads()
    {
        var loads = new double[Silos.Length];
        for (var p = 0; p < Loads.Length; p++)
        {
            loads[PartitionSilo[p]] += Loads[p];
        }

        return loads;
    }
}
