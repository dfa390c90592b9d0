using Orleans.Adaptive.Learning.Data;
using Orleans.Adaptive.Learning.Evaluation;

namespace Orleans.Adaptive.Bench.Learning;

/// <summary>The labelled files of a NAB-format folder: every CSV whose path relative to the folder has an entry in the windows file.</summary>
internal sealed class NabCorpus
{
    private NabCorpus(string root, List<NabFile> files)
    {
        Root = root;
        Files = files;
    }

    public string Root { get; }

    public IReadOnlyList<NabFile> Files { get; }

    public static NabCorpus Load(string folder, string labelsPath)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"--data: no folder '{folder}' (the full data sets live in ../shared/data; pass their path).");
        }

        var labels = NabLabels.Read(labelsPath);
        var files = new List<NabFile>();
        foreach (var path in Directory.EnumerateFiles(folder, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var key = Path.GetRelativePath(folder, path).Replace('\\', '/');
            if (!labels.TryGetValue(key, out var windows))
            {
                // Label keys carry NAB's category folder (realTweets/x.csv); a copy may sit in a folder named otherwise.
                var byName = labels.Keys.Where(k => k.EndsWith("/" + Path.GetFileName(path), StringComparison.Ordinal)).ToList();
                if (byName.Count != 1)
                {
                    continue;
                }

                key = byName[0];
                windows = labels[key];
            }

            var series = TimeSeriesCsv.Read(path);
            if (series.CalendarTimes is null)
            {
                throw new FormatException($"{path}: NAB files need a timestamp column to match the label windows.");
            }

            files.Add(new NabFile(key, series, series.CalendarTimes, windows));
        }

        if (files.Count == 0)
        {
            throw new FormatException($"No CSV file under '{folder}' has windows in '{labelsPath}' (keys are paths relative to the folder, such as realKnownCause/nyc_taxi.csv).");
        }

        return new NabCorpus(DataFiles.Display(Path.GetFullPath(folder)), files);
    }
}

internal sealed record NabFile(string Key, TimeSeries Series, DateTime[] Times, IReadOnlyList<AnomalyWindow> Windows);
