namespace Orleans.Adaptive.Learning.Data;

/// <summary>A time-series file is malformed; the message names the file and the line.</summary>
public sealed class TimeSeriesFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public TimeSeriesFormatException(string source, int line, string problem)
        : base(line > 0 ? $"{source}:{line}: {problem}" : $"{source}: {problem}")
    {
        Source = source;
        Line = line;
        Problem = problem;
    }

    /// <summary>The file (or other source) that is malformed.</summary>
    public new string Source { get; }

    /// <summary>The 1-based line of the problem, or 0 when it concerns the whole file.</summary>
    public int Line { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }
}
