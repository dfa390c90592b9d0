using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Orleans.Adaptive.IntegrationTests.Infrastructure;

/// <summary>
/// A private redis-server on a free loopback port, started for a test and stopped after it.
/// </summary>
/// <remarks>
/// Where redis-server is not installed the Redis tests are skipped with a message saying how to install it, except
/// in CI (the <c>CI</c> or <c>ADAPTIVE_REQUIRE_REDIS</c> environment variable is set), where they fail instead:
/// CI must never pass by skipping them.
/// </remarks>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var executable = Find();
        if (executable is null)
        {
            const string Install = "redis-server is not installed; install it to run the Redis tests (Debian/Ubuntu: sudo apt-get install -y redis-server).";
            if (IsCi())
            {
                Assert.Fail($"{Install} CI requires them (CI / ADAPTIVE_REQUIRE_REDIS is set).");
            }

            Assert.Skip(Install);
        }

        var port = FreePorts.One();
        var start = new ProcessStartInfo(executable!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--daemonize", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await server.PingAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                Assert.Fail($"redis-server did not start on port {port}.");
            }

            await Task.Delay(50);
        }

        return server;
    }

    public async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private static bool IsCi()
        => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ADAPTIVE_REQUIRE_REDIS"));

    // ADAPTIVE_REDIS_SERVER names a redis-server binary to use instead of the one on PATH.
    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("ADAPTIVE_REDIS_SERVER") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin").Append("/usr/sbin"))
        {
            var candidate = Path.Combine(directory, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
