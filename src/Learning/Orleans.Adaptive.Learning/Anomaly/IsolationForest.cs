namespace Orleans.Adaptive.Learning.Anomaly;

/// <summary>Settings of an <see cref="IsolationForest"/>.</summary>
public sealed record IsolationForestOptions
{
    /// <summary>Trees in the forest (t in the paper); default 100.</summary>
    public int Trees { get; init; } = 100;

    /// <summary>Points sampled, without replacement, to grow each tree (ψ in the paper); default 256.</summary>
    public int SubsampleSize { get; init; } = 256;

    /// <summary>Seed of the sampling and the splits: the same seed and data give the same forest.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Throws if a setting cannot work.</summary>
    public void Validate()
    {
        if (Trees < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Trees), Trees, "An isolation forest needs at least one tree.");
        }

        if (SubsampleSize < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(SubsampleSize), SubsampleSize, "Each tree needs a subsample of at least two points.");
        }
    }
}

/// <summary>
/// Isolation Forest (Liu, Ting and Zhou, ICDM 2008): anomalies are few and different, so random axis-parallel
/// splits isolate them in fewer steps than normal points.
/// </summary>
/// <remarks>
/// <para>
/// Each of t trees is grown on a subsample of ψ points by splitting on a random feature at a random value between
/// the feature's minimum and maximum in the node, until a point is alone, all points are equal, or the height limit
/// ⌈log₂ ψ⌉ is reached. A point's path length h(x) is the number of edges to its leaf plus c(size) for the points
/// the leaf still holds; its score is s(x) = 2^(−E[h(x)] / c(ψ)), where
/// c(n) = 2H(n−1) − 2(n−1)/n is the average path length of an unsuccessful binary-search-tree search and
/// H(i) ≈ ln(i) + 0.5772156649. Scores near 1 are anomalies; well below 0.5, normal points.
/// </para>
/// <para>
/// No maintained .NET package implements it, so it lives here, small and tested against its defining properties.
/// One deviation from the paper: a split picks among the features that still vary in the node (the paper would
/// make a useless split on a constant one), which isolates as the paper intends with fewer wasted levels.
/// </para>
/// </remarks>
public static class IsolationForest
{
    /// <summary>Euler–Mascheroni constant.</summary>
    public const double EulerGamma = 0.5772156649015329;

    /// <summary>c(n): the average path length of an unsuccessful search in a binary search tree of n points.</summary>
    public static double AveragePathLength(double n)
    {
        if (n <= 1)
        {
            return 0;
        }

        if (n <= 2)
        {
            return 1;
        }

        return 2 * (Math.Log(n - 1) + EulerGamma) - 2 * (n - 1) / n;
    }

    /// <summary>Grows a forest on <paramref name="data"/> (rows of equal length, finite values).</summary>
    public static IsolationForestModel Fit(IReadOnlyList<double[]> data, IsolationForestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new IsolationForestOptions();
        options.Validate();
        if (data.Count < 2)
        {
            throw new ArgumentException("An isolation forest needs at least two points.", nameof(data));
        }

        var dimensions = data[0].Length;
        foreach (var row in data)
        {
            if (row.Length != dimensions)
            {
                throw new ArgumentException("All points must have the same number of features.", nameof(data));
            }

            foreach (var value in row)
            {
                if (!double.IsFinite(value))
                {
                    throw new ArgumentException("Points must be finite (fill or drop missing values first).", nameof(data));
                }
            }
        }

        var random = new Random(options.Seed);
        var subsample = Math.Min(options.SubsampleSize, data.Count);
        var heightLimit = (int)Math.Ceiling(Math.Log2(subsample));
        var trees = new IsolationTree[options.Trees];
        var indices = Enumerable.Range(0, data.Count).ToArray();
        for (var t = 0; t < trees.Length; t++)
        {
            // Partial Fisher-Yates: the first `subsample` indices become a sample without replacement.
            for (var i = 0; i < subsample; i++)
            {
                var j = random.Next(i, indices.Length);
                (indices[i], indices[j]) = (indices[j], indices[i]);
            }

            trees[t] = IsolationTree.Grow(data, indices.AsSpan(0, subsample).ToArray(), heightLimit, dimensions, random);
        }

        return new IsolationForestModel(trees, dimensions, subsample);
    }
}

/// <summary>A grown isolation forest: scores points and explains the scores. Immutable.</summary>
public sealed class IsolationForestModel
{
    private readonly double _normalizer;

    internal IsolationForestModel(IsolationTree[] trees, int dimensions, int subsampleSize)
    {
        Trees = trees;
        Dimensions = dimensions;
        SubsampleSize = subsampleSize;
        _normalizer = IsolationForest.AveragePathLength(subsampleSize);
    }

    /// <summary>Features per point.</summary>
    public int Dimensions { get; }

    /// <summary>ψ: the subsample each tree was grown on.</summary>
    public int SubsampleSize { get; }

    internal IsolationTree[] Trees { get; }

    /// <summary>E[h(x)]: the mean path length of <paramref name="point"/> over the trees.</summary>
    public double PathLength(ReadOnlySpan<double> point)
    {
        CheckDimensions(point);
        double total = 0;
        foreach (var tree in Trees)
        {
            total += tree.PathLength(point);
        }

        return total / Trees.Length;
    }

    /// <summary>s(x) = 2^(−E[h(x)] / c(ψ)), in (0, 1]: near 1 for anomalies.</summary>
    public double Score(ReadOnlySpan<double> point)
        => _normalizer <= 0 ? 0.5 : Math.Pow(2, -PathLength(point) / _normalizer);

    /// <summary>
    /// How much each feature did to isolate <paramref name="point"/>, summing to 1. Along the point's path in each
    /// tree, a split earns its feature (1 − n_child / n_node) / h(x): how much of the node's training data the split
    /// left behind on the other side, weighted by how short the path is. Splits that cut the point off from most of
    /// the data, in trees that isolate it quickly, dominate; splits that merely pass it down with the crowd earn
    /// almost nothing (after DIFFI's induced imbalance, Carletti et al. 2020).
    /// </summary>
    public double[] Contributions(ReadOnlySpan<double> point)
    {
        CheckDimensions(point);
        var credit = new double[Dimensions];
        foreach (var tree in Trees)
        {
            tree.Attribute(point, credit);
        }

        var total = credit.Sum();
        if (total > 0)
        {
            for (var i = 0; i < credit.Length; i++)
            {
                credit[i] /= total;
            }
        }

        return credit;
    }

    private void CheckDimensions(ReadOnlySpan<double> point)
    {
        if (point.Length != Dimensions)
        {
            throw new ArgumentException($"Expected {Dimensions} features, got {point.Length}.", nameof(point));
        }
    }
}

/// <summary>One isolation tree, stored flat: node i splits on <c>Feature[i]</c> at <c>Split[i]</c>, or is a leaf (Feature −1) holding <c>Size[i]</c> points.</summary>
internal sealed class IsolationTree
{
    public IsolationTree(int[] feature, double[] split, int[] left, int[] right, int[] size)
    {
        Feature = feature;
        Split = split;
        Left = left;
        Right = right;
        Size = size;
    }

    public int[] Feature { get; }

    public double[] Split { get; }

    public int[] Left { get; }

    public int[] Right { get; }

    public int[] Size { get; }

    public static IsolationTree Grow(IReadOnlyList<double[]> data, int[] sample, int heightLimit, int dimensions, Random random)
    {
        var feature = new List<int>();
        var split = new List<double>();
        var left = new List<int>();
        var right = new List<int>();
        var size = new List<int>();
        var varying = new List<int>(dimensions);
        var lows = new double[dimensions];
        var highs = new double[dimensions];

        int Build(Span<int> points, int depth)
        {
            var node = feature.Count;
            feature.Add(-1);
            split.Add(0);
            left.Add(-1);
            right.Add(-1);
            size.Add(points.Length);
            if (depth >= heightLimit || points.Length <= 1)
            {
                return node;
            }

            varying.Clear();
            for (var f = 0; f < dimensions; f++)
            {
                double low = double.PositiveInfinity, high = double.NegativeInfinity;
                foreach (var p in points)
                {
                    var value = data[p][f];
                    low = Math.Min(low, value);
                    high = Math.Max(high, value);
                }

                lows[f] = low;
                highs[f] = high;
                if (high > low)
                {
                    varying.Add(f);
                }
            }

            if (varying.Count == 0)
            {
                return node; // all points equal: nothing can isolate them
            }

            var chosen = varying[random.Next(varying.Count)];
            var at = lows[chosen] + random.NextDouble() * (highs[chosen] - lows[chosen]);
            if (at <= lows[chosen])
            {
                at = Math.BitIncrement(lows[chosen]); // keep both sides non-empty
            }

            // Partition in place: values below the split go left.
            var boundary = 0;
            for (var i = 0; i < points.Length; i++)
            {
                if (data[points[i]][chosen] < at)
                {
                    (points[i], points[boundary]) = (points[boundary], points[i]);
                    boundary++;
                }
            }

            feature[node] = chosen;
            split[node] = at;
            var leftChild = Build(points[..boundary], depth + 1);
            var rightChild = Build(points[boundary..], depth + 1);
            left[node] = leftChild;
            right[node] = rightChild;
            return node;
        }

        Build(sample, 0);
        return new IsolationTree([.. feature], [.. split], [.. left], [.. right], [.. size]);
    }

    /// <summary>h(x): edges from the root to x's leaf, plus c(leaf size).</summary>
    public double PathLength(ReadOnlySpan<double> point)
    {
        var node = 0;
        var edges = 0;
        while (Feature[node] >= 0)
        {
            node = point[Feature[node]] < Split[node] ? Left[node] : Right[node];
            edges++;
        }

        return edges + IsolationForest.AveragePathLength(Size[node]);
    }

    /// <summary>Adds (1 − n_child/n_node)/h(x) to the credit of each feature split on along x's path.</summary>
    public void Attribute(ReadOnlySpan<double> point, double[] credit)
    {
        var length = PathLength(point);
        if (length <= 0)
        {
            return;
        }

        var node = 0;
        while (Feature[node] >= 0)
        {
            var child = point[Feature[node]] < Split[node] ? Left[node] : Right[node];
            var separated = 1 - (double)Size[child] / Math.Max(1, Size[node]);
            credit[Feature[node]] += separated / length;
            node = child;
        }
    }
}
