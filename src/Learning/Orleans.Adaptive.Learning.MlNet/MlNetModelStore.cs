using Microsoft.ML;
using Orleans.Adaptive.Learning.Forecasting;

namespace Orleans.Adaptive.Learning.Persistence;

/// <summary>Saves and loads ML.NET forecasters in the same versioned, checksummed envelope as <see cref="ModelStore"/>.</summary>
public static class MlNetModelStore
{
    /// <summary>The kind tag of ML.NET forecasters.</summary>
    public const string MlNetForecasterKind = "mlnet-forecaster";

    /// <summary>Saves a fitted ML.NET forecaster (ML.NET's own model zip inside the envelope).</summary>
    public static void Save(string path, MlNetForecaster model, SeriesContext context, MlNetTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Model is null || model.ModelInputSchema is null)
        {
            throw new InvalidOperationException("Only a fitted ML.NET forecaster can be saved.");
        }

        ModelFile.Save(path, MlNetForecasterKind, writer =>
        {
            ModelStore.WriteContext(writer, context);
            writer.Write((int)trainer);
            writer.Write(model.UsesCalendar);
            using var zip = new MemoryStream();
            new MLContext().Model.Save(model.Model, model.ModelInputSchema, zip);
            var bytes = zip.ToArray();
            writer.Write(bytes.Length);
            writer.Write(bytes);
        });
    }

    /// <summary>Loads an ML.NET forecaster.</summary>
    /// <exception cref="ModelFormatException">The file is not a usable ML.NET forecaster.</exception>
    public static MlNetForecaster LoadMlNetForecaster(string path) => ModelFile.Load(path, MlNetForecasterKind, reader =>
    {
        var context = ModelStore.ReadContext(reader);
        var trainer = (MlNetTrainer)reader.ReadInt32();
        var useCalendar = reader.ReadBoolean();
        var bytes = reader.ReadBytes(reader.ReadInt32());
        var forecaster = new MlNetForecaster(context, trainer);
        using var zip = new MemoryStream(bytes);
        forecaster.SetModel(new MLContext().Model.Load(zip, out _), useCalendar);
        return forecaster;
    });
}
