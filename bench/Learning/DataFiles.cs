namespace Orleans.Adaptive.Bench.Learning;

/// <summary>Expands --data arguments (files or folders) into CSV files, in a stable order.</summary>
internal static class DataFiles
{
    public static List<string> Expand(IEnumerable<string> paths, List<string> errors)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                files.Add(Path.GetFullPath(path));
            }
            else if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*.csv", SearchOption.AllDirectories).Select(Path.GetFullPath).Order(StringComparer.Ordinal));
            }
            else
            {
                errors.Add($"--data: '{path}' is neither a file nor a folder (the full data sets live in ../shared/data; pass their path).");
            }
        }

        return files.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The path relative to the current folder when it is inside it, for readable names in results.</summary>
    public static string Display(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) && relative.Count(c => c == '/') > 4 ? path : relative;
    }
}
