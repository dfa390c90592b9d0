using System.Globalization;
using System.Text.Json;

namespace Orleans.Adaptive.Learning.Evaluation;

/// <summary>An anomaly window: the stretch of time a detection counts as a true positive in.</summary>
public readonly record struct AnomalyWindow(DateTime Start, DateTime End);

/// <summary>
/// Reads NAB's <c>combined_windows.json</c>: <c>{ "category/file.csv": [["start", "end"], …] }</c>, timestamps
/// <c>yyyy-MM-dd HH:mm:ss.ffffff</c>.
/// </summary>
public static class NabLabels
{
    private static readonly string[] Formats = ["yyyy-MM-dd HH:mm:ss.ffffff", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss.ffffff", "yyyy-MM-ddTHH:mm:ss"];

    /// <summary>Reads the windows file; keys are as in the file (paths relative to the data folder, with '/').</summary>
    /// <exception cref="FormatException">The file is not in this format; the message names it and the entry.</exception>
    public static IReadOnlyDictionary<string, IReadOnlyList<AnomalyWindow>> Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No labels file at '{path}'.", path);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException exception)
        {
            throw new FormatException($"{path}: not valid JSON ({exception.Message}).", exception);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{path}: expected an object mapping file names to lists of [start, end] windows.");
            }

            var labels = new Dictionary<string, IReadOnlyList<AnomalyWindow>>(StringComparer.Ordinal);
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException($"{path}: the windows of '{entry.Name}' are not a list.");
                }

                var windows = new List<AnomalyWindow>();
                foreach (var window in entry.Value.EnumerateArray())
                {
                    if (window.ValueKind != JsonValueKind.Array || window.GetArrayLength() != 2)
                    {
                        throw new FormatException($"{path}: a window of '{entry.Name}' is not a [start, end] pair.");
                    }

                    var start = ParseTime(window[0], path, entry.Name);
                    var end = ParseTime(window[1], path, entry.Name);
                    if (end < start)
                    {
                        throw new FormatException($"{path}: a window of '{entry.Name}' ends ({end:s}) before it starts ({start:s}).");
                    }

                    windows.Add(new AnomalyWindow(start, end));
                }

                labels[entry.Name.Replace('\\', '/')] = windows.OrderBy(static w => w.Start).ToList();
            }

            return labels;
        }
    }

    private static DateTime ParseTime(JsonElement element, string path, string name)
    {
        var text = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        if (text is not null && DateTime.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        throw new FormatException($"{path}: '{element}' in the windows of '{name}' is not a time (yyyy-MM-dd HH:mm:ss.ffffff).");
    }
}
