using System.Globalization;

namespace Orleans.Adaptive.Client;

/// <summary>
/// Parses durations as people write them in flags and configuration: <c>500ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>,
/// a plain number of seconds (<c>2.5</c>), or a .NET time span (<c>00:00:05</c>).
/// </summary>
public static class DurationParser
{
    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">It is not a duration; the message shows the accepted forms.</exception>
    public static TimeSpan Parse(string? text)
        => TryParse(text, out var value)
            ? value
            : throw new FormatException($"'{text}' is not a duration: write for example 500ms, 5s, 2m, 1h, 2.5 (seconds) or 00:00:05.");

    /// <summary>Parses <paramref name="text"/>; false when it is not a duration.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (s.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out value);
        }

        (string suffix, double seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, seconds) in units)
        {
            if (s.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && !(suffix == "s" && s.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
                && TryNumber(s[..^suffix.Length], out var number))
            {
                return TryFromSeconds(number * seconds, out value);
            }
        }

        return TryNumber(s, out var plain) && TryFromSeconds(plain, out value);
    }

    private static bool TryNumber(string s, out double number)
        => double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number);

    private static bool TryFromSeconds(double seconds, out TimeSpan value)
    {
        value = default;
        if (Math.Abs(seconds) > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
