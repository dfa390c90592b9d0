using Orleans.Adaptive.Learning.Anomaly;
using Orleans.Adaptive.Learning.Forecasting;

namespace Orleans.Adaptive.Learning.Persistence;

/// <summary>Saves and loads the models that are worth keeping across restarts.</summary>
/// <remarks>
/// A loaded forecaster has its parameters but no history: feed it recent observations (<see cref="IForecaster.Observe"/>)
/// before trusting its forecasts.
/// </remarks>
public static class ModelStore
{
    /// <summary>The kind tag of isolation forests.</summary>
    public const string IsolationForestKind = "isolation-forest";

    /// <summary>The kind tag of linear autoregressions.</summary>
    public const string AutoRegressiveKind = "autoregressive";

    /// <summary>Saves an isolation forest.</summary>
    public static void Save(string path, IsolationForestModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelFile.Save(path, IsolationForestKind, writer =>
        {
            writer.Write(model.Dimensions);
            writer.Write(model.SubsampleSize);
            writer.Write(model.Trees.Length);
            foreach (var tree in model.Trees)
            {
                writer.Write(tree.Feature.Length);
                for (var i = 0; i < tree.Feature.Length; i++)
                {
                    writer.Write(tree.Feature[i]);
                    writer.Write(tree.Split[i]);
                    writer.Write(tree.Left[i]);
                    writer.Write(tree.Right[i]);
                    writer.Write(tree.Size[i]);
                }
            }
        });
    }

    /// <summary>Loads an isolation forest.</summary>
    /// <exception cref="ModelFormatException">The file is not a usable isolation forest.</exception>
    public static IsolationForestModel LoadIsolationForest(string path) => ModelFile.Load(path, IsolationForestKind, ReadIsolationForest);

    /// <summary>Loads an isolation forest, or returns <paramref name="fallback"/>() saying why in <paramref name="problem"/>.</summary>
    public static IsolationForestModel LoadIsolationForestOrFallback(string path, Func<IsolationForestModel> fallback, out string? problem)
        => ModelFile.LoadOrFallback(path, IsolationForestKind, ReadIsolationForest, fallback, out problem);

    /// <summary>Saves a fitted linear autoregression with the context it was fitted in.</summary>
    public static void Save(string path, AutoRegressiveForecaster model, SeriesContext context)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(context);
        ModelFile.Save(path, AutoRegressiveKind, writer =>
        {
            WriteContext(writer, context);
            writer.Write(model.LagSet.Recent);
            WriteInts(writer, model.LagSet.Periods);
            WriteInts(writer, model.LagSet.Medians);
            writer.Write((int)model.Loss);
            writer.Write((int)model.Transform);
            writer.Write(model.Coefficients.Count);
            foreach (var coefficient in model.Coefficients)
            {
                writer.Write(coefficient);
            }
        });
    }

    /// <summary>Loads a linear autoregression.</summary>
    /// <exception cref="ModelFormatException">The file is not a usable autoregression.</exception>
    public static AutoRegressiveForecaster LoadAutoRegressive(string path) => ModelFile.Load(path, AutoRegressiveKind, ReadAutoRegressive);

    /// <summary>Loads a forecaster saved by <see cref="Save(string, AutoRegressiveForecaster, SeriesContext)"/>, or returns <paramref name="fallback"/>() saying why in <paramref name="problem"/>.</summary>
    public static IForecaster LoadForecasterOrFallback(string path, Func<IForecaster> fallback, out string? problem)
        => ModelFile.LoadOrFallback<IForecaster>(path, AutoRegressiveKind, ReadAutoRegressive, fallback, out problem);

    private static IsolationForestModel ReadIsolationForest(BinaryReader reader)
    {
        var dimensions = reader.ReadInt32();
        var subsample = reader.ReadInt32();
        var count = reader.ReadInt32();
        if (dimensions < 1 || subsample < 2 || count < 1 || count > 100_000)
        {
            throw new InvalidOperationException($"implausible forest header (dimensions {dimensions}, subsample {subsample}, trees {count}).");
        }

        var trees = new IsolationTree[count];
        for (var t = 0; t < count; t++)
        {
            var nodes = reader.ReadInt32();
            if (nodes < 1 || nodes > 4 * subsample)
            {
                throw new InvalidOperationException($"tree {t} has an implausible {nodes} nodes.");
            }

            var feature = new int[nodes];
            var split = new double[nodes];
            var left = new int[nodes];
            var right = new int[nodes];
            var size = new int[nodes];
            for (var i = 0; i < nodes; i++)
            {
                feature[i] = reader.ReadInt32();
                split[i] = reader.ReadDouble();
                left[i] = reader.ReadInt32();
                right[i] = reader.ReadInt32();
                size[i] = reader.ReadInt32();
                var isLeaf = feature[i] < 0;
                if (feature[i] >= dimensions || (!isLeaf && (left[i] <= i || right[i] <= i || left[i] >= nodes || right[i] >= nodes)))
                {
                    throw new InvalidOperationException($"tree {t}, node {i} points outside the tree.");
                }
            }

            trees[t] = new IsolationTree(feature, split, left, right, size);
        }

        return new IsolationForestModel(trees, dimensions, subsample);
    }

    private static AutoRegressiveForecaster ReadAutoRegressive(BinaryReader reader)
    {
        var context = ReadContext(reader);
        var lags = new LagSet(reader.ReadInt32(), ReadInts(reader), ReadInts(reader));
        var loss = (RegressionLoss)reader.ReadInt32();
        var transform = (ValueTransform)reader.ReadInt32();
        var coefficients = new double[reader.ReadInt32()];
        for (var i = 0; i < coefficients.Length; i++)
        {
            coefficients[i] = reader.ReadDouble();
        }

        if (!Enum.IsDefined(loss) || !Enum.IsDefined(transform))
        {
            throw new InvalidOperationException($"unknown loss {loss} or transform {transform}.");
        }

        var model = new AutoRegressiveForecaster(context, lags, loss, transform: transform);
        model.SetCoefficients(coefficients);
        return model;
    }

    internal static void WriteContext(BinaryWriter writer, SeriesContext context)
    {
        writer.Write(context.Step?.Ticks ?? -1);
        WriteInts(writer, context.Periods);
        writer.Write(context.IsNonNegative);
        writer.Write(context.IsIntegerValued);
    }

    internal static SeriesContext ReadContext(BinaryReader reader)
    {
        var ticks = reader.ReadInt64();
        var periods = ReadInts(reader);
        var nonNegative = reader.ReadBoolean();
        var integers = reader.ReadBoolean();
        return new SeriesContext(ticks < 0 ? null : TimeSpan.FromTicks(ticks), periods, nonNegative, integers);
    }

    private static void WriteInts(BinaryWriter writer, IReadOnlyList<int> values)
    {
        writer.Write(values.Count);
        foreach (var value in values)
        {
            writer.Write(value);
        }
    }

    private static int[] ReadInts(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        if (count < 0 || count > 10_000)
        {
            throw new InvalidOperationException($"implausible list length {count}.");
        }

        var values = new int[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = reader.ReadInt32();
        }

        return values;
    }
}
