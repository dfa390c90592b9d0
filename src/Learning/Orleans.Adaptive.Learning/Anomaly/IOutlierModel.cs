namespace Orleans.Adaptive.Learning.Anomaly;

/// <summary>A trained model that says how unusual a point is compared with what it was trained on. Immutable.</summary>
public interface IOutlierModel
{
    /// <summary>Features per point.</summary>
    int Dimensions { get; }

    /// <summary>How unusual <paramref name="point"/> is: higher is more unusual. Only comparable within one model.</summary>
    double Score(ReadOnlySpan<double> point);

    /// <summary>Each feature's share (summing to 1) in making <paramref name="point"/> unusual.</summary>
    double[] Contributions(ReadOnlySpan<double> point);
}

/// <summary>Trains <see cref="IOutlierModel"/>s: the estimator half of the estimator/model pair.</summary>
public interface IOutlierModelTrainer
{
    /// <summary>A short name, e.g. <c>isolation-forest</c>.</summary>
    string Name { get; }

    /// <summary>Trains on <paramref name="points"/> (rows of equal length, finite values), presumed mostly normal.</summary>
    IOutlierModel Fit(IReadOnlyList<double[]> points);
}

/// <summary>Trains <see cref="IsolationForestModel"/>s.</summary>
public sealed class IsolationForestTrainer(IsolationForestOptions? options = null) : IOutlierModelTrainer
{
    private readonly IsolationForestOptions _options = options ?? new IsolationForestOptions();
    private int _fits;

    /// <inheritdoc />
    public string Name => "isolation-forest";

    /// <inheritdoc />
    public IOutlierModel Fit(IReadOnlyList<double[]> points)
    {
        // A new seed per refit (derived from the configured one) keeps runs repeatable without reusing one forest's randomness.
        var model = IsolationForest.Fit(points, _options with { Seed = unchecked(_options.Seed * 7919 + _fits++) });
        return new Adapter(model);
    }

    private sealed class Adapter(IsolationForestModel model) : IOutlierModel
    {
        public int Dimensions => model.Dimensions;

        public double Score(ReadOnlySpan<double> point) => model.Score(point);

        public double[] Contributions(ReadOnlySpan<double> point) => model.Contributions(point);
    }
}
