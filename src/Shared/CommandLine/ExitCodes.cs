namespace Orleans.Adaptive.CommandLine;

/// <summary>Exit codes of the `adaptive` tool and the silo host, documented in the README.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>Bad input: an unknown flag, an invalid value, malformed configuration or data.</summary>
    public const int InvalidInput = 1;

    /// <summary>Something it depends on could not be reached: Redis, the cluster.</summary>
    public const int Unreachable = 2;

    /// <summary>It started, then failed.</summary>
    public const int Failed = 3;

    /// <summary>Stopped by Ctrl+C or SIGTERM before it finished (the demo still writes its report).</summary>
    public const int Interrupted = 130;
}
