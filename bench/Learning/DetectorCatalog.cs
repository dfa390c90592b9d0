using Orleans.Adaptive.Learning.Anomaly;

namespace Orleans.Adaptive.Bench.Learning;

/// <summary>The detectors `detect` evaluates, and how each one is run over a file.</summary>
internal static class DetectorCatalog
{
    /// <summary>Suffix of the variant scored by its hysteresis alarms (1 at each alarm onset, else 0).</summary>
    public const string AlarmSuffix = "+alarms";

    public static readonly string[] Names = ["isolation-forest", "randomized-pca", "forest+pca", "windowed-gaussian"];

    private static readonly StreamingDetectorOptions Default = new();

    /// <summary>The streaming detectors' options for this run.</summary>
    public static StreamingDetectorOptions Options { get; set; } = Default;

    /// <summary>Applies <c>Name=value</c> overrides to <paramref name="options"/>.</summary>
    public static StreamingDetectorOptions ApplyOverrides(StreamingDetectorOptions options, IEnumerable<string> overrides, List<string> errors)
    {
        foreach (var item in overrides)
        {
            var parts = item.Split('=', 2);
            var property = parts.Length == 2 ? typeof(StreamingDetectorOptions).GetProperty(parts[0].Trim()) : null;
            if (property is null)
            {
                errors.Add($"--set: '{item}' is not Option=value for an option of StreamingDetectorOptions ({string.Join(", ", typeof(StreamingDetectorOptions).GetProperties().Select(static p => p.Name))}).");
                continue;
            }

            try
            {
                var text = parts[1].Trim();
                var value = property.PropertyType.IsEnum
                    ? Enum.Parse(property.PropertyType, text, ignoreCase: true)
                    : Convert.ChangeType(text, property.PropertyType, System.Globalization.CultureInfo.InvariantCulture);
                var copy = options with { };
                property.SetValue(copy, value);
                options = copy;
            }
            catch (Exception exception) when (exception is FormatException or InvalidCastException or OverflowException or ArgumentException)
            {
                errors.Add($"--set: '{parts[1]}' is not a valid {property.PropertyType.Name} for {property.Name}.");
            }
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException exception)
        {
            errors.Add($"--set: {exception.Message}");
        }

        return options;
    }

    /// <summary>The threshold a detector's scores are cut at when none is given or tuned.</summary>
    public static double DefaultThreshold(string name) => name switch
    {
        "windowed-gaussian" => 0.99,
        _ => new StreamingDetectorOptions().AlarmThreshold,
    };

    /// <summary>Runs the detector over every file; returns per variant the per-file scores.</summary>
    public static Dictionary<string, IReadOnlyList<double[]>> Run(string name, NabCorpus corpus)
    {
        var scores = new List<double[]>();
        var alarms = new List<double[]>();
        foreach (var file in corpus.Files)
        {
            var detector = Create(name);
            var values = file.Series.Values;
            var fileScores = new double[values.Length];
            var fileAlarms = new double[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                var verdict = detector.Observe([values[i]]);
                fileScores[i] = verdict.Score;
                fileAlarms[i] = verdict.AlarmStarted ? 1 : 0;
            }

            scores.Add(fileScores);
            alarms.Add(fileAlarms);
        }

        var runs = new Dictionary<string, IReadOnlyList<double[]>> { [name] = scores };
        if (name != "windowed-gaussian")
        {
            runs[name + AlarmSuffix] = alarms;
        }

        return runs;
    }

    private static IStreamingDetector Create(string name) => name switch
    {
        // On its own the forest's bounded scores need a lower alarm threshold and a longer calm period (both chosen,
        // like the defaults, on NAB's realTweets files, not on the files scored).
        "isolation-forest" => new StreamingAnomalyDetector(["value"], new IsolationForestTrainer(), Options == Default ? Options with { AlarmThreshold = 0.4 } : Options),
        "randomized-pca" => new StreamingAnomalyDetector(["value"], new RandomizedPcaTrainer(), Options),
        "forest+pca" => new StreamingAnomalyDetector(["value"], [new IsolationForestTrainer(), new RandomizedPcaTrainer()], Options),
        "windowed-gaussian" => new WindowedGaussianDetector(),
        _ => throw new ArgumentException($"Unknown detector '{name}'.", nameof(name)),
    };
}
