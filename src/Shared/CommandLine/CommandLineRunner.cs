using System.CommandLine;

namespace Orleans.Adaptive.CommandLine;

/// <summary>
/// Runs a command line: parse errors become one <c>error:</c> line (plus a hint) instead of the full help, and
/// Ctrl+C / SIGTERM cancel the command's token and leave it time to shut down cleanly.
/// </summary>
internal static class CommandLineRunner
{
    /// <summary>Time a command gets to finish after Ctrl+C or SIGTERM before the process ends anyway.</summary>
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(45);

    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}");
            }

            await Console.Error.WriteLineAsync($"Run '{root.Name} --help' for usage.");
            return ExitCodes.InvalidInput;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = ShutdownGrace });
    }

    /// <summary>Prints one <c>error:</c> line per message and returns <paramref name="exitCode"/>.</summary>
    public static int Fail(int exitCode, params IEnumerable<string> messages)
    {
        foreach (var message in messages)
        {
            Console.Error.WriteLine($"error: {message}");
        }

        return exitCode;
    }

    /// <summary>The first line of a message, for one-line errors (Redis and Orleans messages can run to many).</summary>
    public static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
