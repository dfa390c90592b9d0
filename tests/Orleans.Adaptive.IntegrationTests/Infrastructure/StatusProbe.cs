using System.Text.Json;

namespace Orleans.Adaptive.IntegrationTests.Infrastructure;

/// <summary>Runs `adaptive status --json` until its answer satisfies a condition.</summary>
internal static class StatusProbe
{
    public static async Task<JsonDocument> WaitForAsync(
        IEnumerable<string> connectionArguments,
        Func<JsonElement, bool> condition,
        TimeSpan timeout,
        Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        ProcessResult? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await RunAsync(connectionArguments);
            if (last.ExitCode == 0)
            {
                var document = JsonDocument.Parse(last.StandardOutput);
                if (condition(document.RootElement))
                {
                    return document;
                }

                document.Dispose();
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Assert.Fail($"adaptive status never showed what was expected within {timeout.TotalSeconds:0} s. Last run: {last}\n{diagnostics?.Invoke()}");
        return null!;
    }

    public static Task<ProcessResult> RunAsync(IEnumerable<string> connectionArguments)
        => RunningProcess.RunDotnetAsync(Programs.CliDll, ["status", "--json", .. connectionArguments], TimeSpan.FromSeconds(60));

    public static IEnumerable<JsonElement> Silos(JsonElement status) => status.GetProperty("silos").EnumerateArray();

    public static string Status(JsonElement silo) => silo.GetProperty("status").GetString()!;

    public static string Name(JsonElement silo) => silo.GetProperty("name").GetString()!;

    public static bool HasSample(JsonElement silo) => silo.GetProperty("latest").ValueKind == JsonValueKind.Object;
}
