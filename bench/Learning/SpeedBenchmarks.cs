using BenchmarkDotNet.Attributes;
using Orleans.Adaptive.Learning.Anomaly;

namespace Orleans.Adaptive.Bench.Learning;

/// <summary>What the runtime pays per reading and per retraining, on node-sized inputs (7 features, 10,000 readings).</summary>
[MemoryDiagnoser]
public class SpeedBenchmarks
{
    private double[][] _data = [];
    private double[] _probe = [];
    private IsolationForestModel _forest = null!;
    private StreamingAnomalyDetector _detector = null!;
    private double[] _reading = [];
    private Random _random = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _data = [.. Enumerable.Range(0, 10_000).Select(_ => Enumerable.Range(0, 7).Select(_ => random.NextDouble() * 10).ToArray())];
        _probe = [.. Enumerable.Range(0, 7).Select(_ => random.NextDouble() * 10)];
        _forest = IsolationForest.Fit(_data);

        // A two-metric node detector (forest + PCA), past its probation and first retraining.
        _detector = new StreamingAnomalyDetector(["cpu", "memory"], [new IsolationForestTrainer(), new RandomizedPcaTrainer()]);
        _random = new Random(2);
        for (var i = 0; i < 2_000; i++)
        {
            _detector.Observe([_random.NextDouble() * 100, 1000 + _random.NextDouble()]);
        }

        _reading = [50, 1000.5];
    }

    /// <summary>Scoring one sample with the isolation forest (100 trees, ψ = 256).</summary>
    [Benchmark]
    public double IsolationForestScoreOneSample() => _forest.Score(_probe);

    /// <summary>Growing a new forest on 10,000 points.</summary>
    [Benchmark]
    public IsolationForestModel IsolationForestRefit10000Points() => IsolationForest.Fit(_data);

    /// <summary>One reading through the whole streaming detector: features, two models, calibration, hysteresis.</summary>
    [Benchmark]
    public AnomalyVerdict StreamingDetectorObserveOneReading() => _detector.Observe(_reading);
}
