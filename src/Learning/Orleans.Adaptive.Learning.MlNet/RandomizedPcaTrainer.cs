using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Orleans.Adaptive.Learning.Anomaly;

/// <summary>
/// ML.NET's randomized PCA anomaly detector as a second opinion: points far from the principal subspace of the
/// training data (large reconstruction error) are unusual. Features are standardised first.
/// </summary>
/// <remarks>
/// Data that cannot support the requested rank (features that never vary, as on an idle node) gets a lower rank;
/// data with at most one varying feature, or on which ML.NET's PCA fails, gets a plain model instead: the squared
/// distance from the training median in robust units. Either way a model comes back.
/// </remarks>
public sealed class RandomizedPcaTrainer(int rank = 3, int seed = 1) : IOutlierModelTrainer
{
    /// <inheritdoc />
    public string Name => "randomized-pca";

    /// <inheritdoc />
    public IOutlierModel Fit(IReadOnlyList<double[]> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < 2)
        {
            throw new ArgumentException("PCA needs at least two points.", nameof(points));
        }

        var dimensions = points[0].Length;
        var scaler = Features.RobustScaler.Fit(points);
        var varying = Enumerable.Range(0, dimensions).Count(f => points.Any(p => p[f] != points[0][f]));
        if (varying <= 1)
        {
            return new DistanceModel(scaler, dimensions);
        }

        var ml = new MLContext(seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimensions);
        var rows = points.Select(p => new Row { Features = scaler.Transform(p).Select(static v => (float)v).ToArray() }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        var effectiveRank = Math.Clamp(rank, 1, varying - 1);
        try
        {
            var trainer = ml.AnomalyDetection.Trainers.RandomizedPca(nameof(Row.Features), rank: effectiveRank, ensureZeroMean: true, seed: seed);
            var model = trainer.Fit(data);
            return new Model(model.Model, scaler, dimensions);
        }
        catch (Exception exception) when (exception is ArgumentOutOfRangeException or InvalidOperationException)
        {
            // ML.NET refuses degenerate data ("eigenvectors contained NaN values"): fall back rather than fail.
            return new DistanceModel(scaler, dimensions);
        }
    }

    /// <summary>The fallback: squared distance from the training median, in robust units.</summary>
    private sealed class DistanceModel(Features.RobustScaler scaler, int dimensions) : IOutlierModel
    {
        public int Dimensions => dimensions;

        public double Score(ReadOnlySpan<double> point) => scaler.Transform(point).Sum(static z => z * z);

        public double[] Contributions(ReadOnlySpan<double> point)
        {
            var squares = scaler.Transform(point).Select(static z => z * z).ToArray();
            var total = squares.Sum();
            return total > 0 ? squares.Select(s => s / total).ToArray() : new double[dimensions];
        }
    }

    /// <summary>One training row.</summary>
    public sealed class Row
    {
        /// <summary>The (scaled) features.</summary>
        public float[] Features { get; set; } = [];
    }

    private sealed class Model : IOutlierModel
    {
        private readonly Features.RobustScaler _scaler;
        private readonly double[] _mean;
        private readonly double[][] _components;

        public Model(PcaModelParameters parameters, Features.RobustScaler scaler, int dimensions)
        {
            _scaler = scaler;
            Dimensions = dimensions;
            VBuffer<float> mean = default;
            parameters.GetMean(ref mean);
            _mean = mean.DenseValues().Select(static v => (double)v).ToArray();
            if (_mean.Length != dimensions)
            {
                _mean = new double[dimensions];
            }

            VBuffer<float>[] vectors = [];
            parameters.GetEigenVectors(ref vectors, out _);
            _components = vectors.Select(v => v.DenseValues().Select(static x => (double)x).ToArray()).ToArray();
        }

        public int Dimensions { get; }

        // The squared distance from the principal subspace: what ML.NET's PCA detector scores, recomputed here so
        // the same residual also explains the score, feature by feature.
        public double Score(ReadOnlySpan<double> point) => Residual(point).Sum(static r => r * r);

        // A spike in one feature leaves part of its residual on features the principal components tie it to, so the
        // residual alone can blame a feature that is perfectly normal. Crediting |z|·|residual| names features that
        // are both far from their usual values and unexplained by the subspace.
        public double[] Contributions(ReadOnlySpan<double> point)
        {
            var residual = Residual(point);
            var z = _scaler.Transform(point);
            var credit = new double[Dimensions];
            for (var i = 0; i < credit.Length; i++)
            {
                credit[i] = Math.Abs(z[i]) * Math.Abs(residual[i]);
            }

            var total = credit.Sum();
            return total > 0 ? credit.Select(c => c / total).ToArray() : new double[Dimensions];
        }

        private double[] Residual(ReadOnlySpan<double> point)
        {
            var centered = _scaler.Transform(point);
            for (var i = 0; i < centered.Length; i++)
            {
                centered[i] -= _mean[i];
            }

            var residual = (double[])centered.Clone();
            foreach (var component in _components)
            {
                double projection = 0;
                for (var i = 0; i < component.Length; i++)
                {
                    projection += component[i] * centered[i];
                }

                for (var i = 0; i < component.Length; i++)
                {
                    residual[i] -= projection * component[i];
                }
            }

            return residual;
        }
    }
}
