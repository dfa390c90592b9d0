using System.Globalization;

namespace Orleans.Adaptive.Learning.Data;

/// <summary>
/// Reads numeric series from CSV files with a header row: NAB's <c>timestamp,value</c>, the request traces
/// (<c>timestamp,requests,…</c>), the cluster-utilisation files (with or without a time column), and any file of
/// the same shape.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A column named <c>timestamp</c>, <c>time</c> or <c>date</c> (any case) is the time column: calendar times
/// (<c>yyyy-MM-dd HH:mm:ss</c>, ISO 8601) or a number of seconds.</item>
/// <item>The value column is the one asked for, or else the first other column.</item>
/// <item>An empty cell, <c>NaN</c>, <c>NA</c> or <c>null</c> is a missing value (kept as <see cref="double.NaN"/>).</item>
/// <item>Anything else that is not a finite number, a row with the wrong number of cells, a missing column or an
/// empty file is an error naming the file and line.</item>
/// </list>
/// </remarks>
public static class TimeSeriesCsv
{
    private static readonly string[] TimeColumnNames = ["timestamp", "time", "date"];
    private static readonly string[] MissingTokens = ["", "nan", "na", "null", "none"];
    private static readonly string[] CalendarFormats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "yyyy-MM-ddTHH:mm:ss",
        "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-dd",
    ];

    /// <summary>Reads <paramref name="path"/>; the series is named after the file.</summary>
    /// <exception cref="TimeSeriesFormatException">The file is malformed.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static TimeSeries Read(string path, string? valueColumn = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No time-series file at '{path}'.", path);
        }

        using var reader = new StreamReader(path);
        return Read(reader, path, Path.GetFileNameWithoutExtension(path), valueColumn);
    }

    /// <summary>Reads CSV text from <paramref name="reader"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="TimeSeriesFormatException">The text is malformed.</exception>
    public static TimeSeries Read(TextReader reader, string source, string name, string? valueColumn = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(name);

        var header = reader.ReadLine();
        var lineNumber = 1;
        if (header is null || header.Trim().Length == 0)
        {
            throw new TimeSeriesFormatException(source, 0, "the file is empty; expected a header row such as 'timestamp,value'.");
        }

        var columns = SplitCsvLine(header, source, lineNumber).Select(static c => c.Trim()).ToArray();
        var timeIndex = Array.FindIndex(columns, static c => TimeColumnNames.Contains(c, StringComparer.OrdinalIgnoreCase));
        var valueIndex = ChooseValueColumn(columns, timeIndex, valueColumn, source);

        var values = new List<double>();
        var calendar = new List<DateTime>();
        var offsets = new List<double>();
        bool? timeIsCalendar = null;

        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var cells = SplitCsvLine(line, source, lineNumber);
            if (cells.Count != columns.Length)
            {
                throw new TimeSeriesFormatException(source, lineNumber, $"expected {columns.Length} cells as in the header, found {cells.Count}.");
            }

            values.Add(ParseValue(cells[valueIndex], columns[valueIndex], source, lineNumber));
            if (timeIndex >= 0)
            {
                var cell = cells[timeIndex].Trim();
                if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds))
                {
                    timeIsCalendar ??= false;
                    if (timeIsCalendar.Value)
                    {
                        throw new TimeSeriesFormatException(source, lineNumber, $"time '{cell}' is a number, but earlier rows hold calendar times.");
                    }

                    offsets.Add(seconds);
                }
                else if (DateTime.TryParseExact(cell, CalendarFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var time))
                {
                    timeIsCalendar ??= true;
                    if (!timeIsCalendar.Value)
                    {
                        throw new TimeSeriesFormatException(source, lineNumber, $"time '{cell}' is a calendar time, but earlier rows hold numbers of seconds.");
                    }

                    calendar.Add(time);
                }
                else
                {
                    throw new TimeSeriesFormatException(source, lineNumber, $"'{cell}' in column '{columns[timeIndex]}' is neither a time (yyyy-MM-dd HH:mm:ss) nor a number of seconds.");
                }
            }
        }

        if (values.Count == 0)
        {
            throw new TimeSeriesFormatException(source, 0, "the file has a header but no data rows.");
        }

        double[]? offsetSeconds = null;
        if (timeIsCalendar == false)
        {
            // Offsets from the first row, so series that start at different epochs line up.
            var first = offsets[0];
            offsetSeconds = offsets.Select(o => o - first).ToArray();
        }

        return new TimeSeries(
            name,
            columns[valueIndex],
            values.ToArray(),
            timeIsCalendar == true ? calendar.ToArray() : null,
            offsetSeconds);
    }

    private static int ChooseValueColumn(string[] columns, int timeIndex, string? requested, string source)
    {
        if (requested is not null)
        {
            var index = Array.FindIndex(columns, c => string.Equals(c, requested, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                throw new TimeSeriesFormatException(source, 1, $"there is no column '{requested}'; the columns are {string.Join(", ", columns.Select(c => $"'{c}'"))}.");
            }

            if (index == timeIndex)
            {
                throw new TimeSeriesFormatException(source, 1, $"column '{requested}' holds the times, not values.");
            }

            return index;
        }

        for (var i = 0; i < columns.Length; i++)
        {
            if (i != timeIndex)
            {
                return i;
            }
        }

        throw new TimeSeriesFormatException(source, 1, $"the header has no value column besides '{columns[timeIndex]}'.");
    }

    private static double ParseValue(string cell, string column, string source, int line)
    {
        var text = cell.Trim();
        if (MissingTokens.Contains(text, StringComparer.OrdinalIgnoreCase))
        {
            return double.NaN;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        throw new TimeSeriesFormatException(source, line, $"'{text}' in column '{column}' is not a finite number (leave the cell empty, or write NaN, for a missing value).");
    }

    /// <summary>Splits one CSV line (RFC 4180 quoting, no embedded line breaks).</summary>
    internal static List<string> SplitCsvLine(string line, string source, int lineNumber)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var inQuotes = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"')
                    {
                        cell.Append('"');
                        i++;
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"' && cell.Length == 0)
            {
                inQuotes = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        if (inQuotes)
        {
            throw new TimeSeriesFormatException(source, lineNumber, "a quoted cell is not closed.");
        }

        cells.Add(cell.ToString());
        return cells;
    }
}
