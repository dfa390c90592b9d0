namespace Orleans.Adaptive.Client;

/// <summary>Parses clustering modes from flags and configuration, with an error that lists the valid ones.</summary>
public static class ClusteringModeParser
{
    /// <summary>Parses <paramref name="text"/> (case-insensitive).</summary>
    /// <exception cref="FormatException">It is not a clustering mode.</exception>
    public static ClusteringMode Parse(string? text)
    {
        if (TryParse(text, out var mode))
        {
            return mode;
        }

        throw new FormatException($"Unknown clustering mode '{text}': expected 'localhost' or 'redis'.");
    }

    /// <summary>Parses <paramref name="text"/> (case-insensitive); false when it is not a clustering mode.</summary>
    public static bool TryParse(string? text, out ClusteringMode mode)
    {
        mode = default;
        if (string.IsNullOrWhiteSpace(text) || int.TryParse(text, out _))
        {
            return false;
        }

        return Enum.TryParse(text.Trim(), ignoreCase: true, out mode) && Enum.IsDefined(mode);
    }
}
