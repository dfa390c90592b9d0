using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using StackExchange.Redis;

namespace Orleans.Adaptive.Bench.Faults;

/// <summary>
/// A silo per process (<c>Orleans.Adaptive.Silo serve</c>) clustering through a private redis-server on loopback, with
/// grain state in Redis: crashes are SIGKILL, freezes SIGSTOP, and failure detection is Orleans' real one (default
/// membership options in both modes). The client lives in this process: plain Orleans in the orleans mode, with the
/// client library's gateway handling (<c>AvoidQuarantinedGateways</c>) in the adaptive mode.
/// </summary>
internal sealed partial class ProcessHost : IFaultHost
{
    private const int SigKill = 9, SigCont = 18, SigStop = 19;

    private readonly Process _redis;
    private readonly List<Process> _silos;
    private readonly IHost _client;
    private readonly string _logs;

    private ProcessHost(Process redis, List<Process> silos, IReadOnlyList<SiloAddress> addresses, IHost client, string logs)
    {
        _redis = redis;
        _silos = silos;
        Silos = addresses;
        _client = client;
        _logs = logs;
        Client = client.Services.GetRequiredService<IClusterClient>();
    }

    public IClusterClient Client { get; }

    public IReadOnlyList<SiloAddress> Silos { get; }

    public static async Task<ProcessHost> StartAsync(FaultScenario scenario, bool adaptive, CancellationToken cancellationToken)
    {
        var redisServer = FindRedisServer() ?? throw new InvalidOperationException(
            "redis-server is not installed; the processes host needs it (Debian/Ubuntu: sudo apt-get install -y redis-server, or set ADAPTIVE_REDIS_SERVER).");
        var siloDll = typeof(ProcessHost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SiloDll").Value!;
        if (!File.Exists(siloDll))
        {
            throw new InvalidOperationException($"The silo program is not built at {siloDll}: build the solution (dotnet build -c Release) first.");
        }

        var logs = Directory.CreateTempSubdirectory("adaptive-faults-").FullName;
        var redisPort = FreePort();
        var redis = Start(redisServer, ["--port", redisPort.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], null, Path.Combine(logs, "redis.log"));
        var connection = $"127.0.0.1:{redisPort}";
        await WaitForRedisAsync(redisPort, cancellationToken);

        var clusterId = $"faults-{Guid.NewGuid():N}"[..24];
        var silos = new List<Process>();
        var ports = new List<int>();
        for (var i = 0; i < scenario.Silos; i++)
        {
            var siloPort = FreePort();
            var gatewayPort = FreePort();
            ports.Add(siloPort);
            var environment = new Dictionary<string, string>
            {
                ["Adaptive__Runtime__NodeMonitor__HistoryCapacity"] = "3600",
                ["Adaptive__Runtime__Capacity__MaxQueueLength"] = Math.Max(10, (int)(scenario.Capacity * 2 / scenario.ItemCost)).ToString(CultureInfo.InvariantCulture),
                ["Adaptive__Runtime__FaultInjection__Enabled"] = "true",
                // A silo that an in-silo fault makes fail dies as the out-of-memory killer would kill it.
                ["Adaptive__Runtime__FaultInjection__KillProcessOnFailure"] = "true",
                ["Adaptive__Runtime__Adaptation__Enabled"] = adaptive ? "true" : "false",
                ["Logging__LogLevel__Default"] = "Warning",
                ["Logging__LogLevel__Orleans.Adaptive"] = "Information",
            };
            silos.Add(Start("dotnet", [
                siloDll, "serve",
                "--clustering", "redis", "--redis", connection, "--cluster-id", clusterId, "--storage", "redis",
                "--name", $"silo-{i}", "--silo-port", siloPort.ToString(CultureInfo.InvariantCulture), "--gateway-port", gatewayPort.ToString(CultureInfo.InvariantCulture),
                "--advertise", "127.0.0.1",
                "--sample-interval", TimeSpan.FromSeconds(scenario.SampleIntervalSeconds).ToString("c", CultureInfo.InvariantCulture),
                "--capacity", scenario.Capacity.ToString(CultureInfo.InvariantCulture),
            ], environment, Path.Combine(logs, $"silo-{i}.log")));
        }

        IHost? client = null;
        try
        {
            client = await ConnectAsync(connection, clusterId, adaptive, cancellationToken);
            var addresses = await WaitForSilosAsync(client.Services.GetRequiredService<IClusterClient>(), ports, silos, logs, cancellationToken);
            return new ProcessHost(redis, silos, addresses, client, logs);
        }
        catch
        {
            client?.Dispose();
            foreach (var process in silos.Append(redis))
            {
                Kill(process);
            }

            throw;
        }
    }

    public Task KillAsync(int silo)
    {
        Kill(_silos[silo]);
        return Task.CompletedTask;
    }

    public Task FreezeAsync(int silo)
    {
        Signal(_silos[silo], SigStop);
        return Task.CompletedTask;
    }


    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _client.StopAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or OrleansException)
        {
            // The cluster may be half gone: closing the client is best effort.
        }

        _client.Dispose();
        foreach (var process in _silos)
        {
            Signal(process, SigCont); // a frozen silo must wake to die cleanly
            Kill(process);
        }

        Kill(_redis);
        try
        {
            Directory.Delete(_logs, recursive: true);
        }
        catch (IOException)
        {
            // Logs of a run are disposable.
        }
    }

    private static async Task<IHost> ConnectAsync(string redis, string clusterId, bool adaptive, CancellationToken cancellationToken)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseRedisClustering(options => options.ConfigurationOptions = ConfigurationOptions.Parse(redis));
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = "orleans-adaptive";
            });
            if (adaptive)
            {
                client.AvoidQuarantinedGateways();
            }

            client.UseConnectionRetryFilter(async (_, token) =>
            {
                await Task.Delay(500, token);
                return true;
            });
        });
        var host = builder.Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        await host.StartAsync(timeout.Token);
        return host;
    }

    /// <summary>Waits until every silo is Active in membership; returns their addresses in start order.</summary>
    private static async Task<IReadOnlyList<SiloAddress>> WaitForSilosAsync(IClusterClient client, List<int> ports, List<Process> processes, string logs, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            var exited = processes.FindIndex(p => p.HasExited);
            if (exited >= 0)
            {
                throw new InvalidOperationException($"Silo {exited} exited while starting; its log: {File.ReadAllText(Path.Combine(logs, $"silo-{exited}.log"))}");
            }

            try
            {
                var hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
                var byPort = hosts.Keys.ToDictionary(a => a.Endpoint.Port);
                if (ports.All(byPort.ContainsKey))
                {
                    return ports.Select(p => byPort[p]).ToList();
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Not all up yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The silos did not all become active within 120 s.");
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    private static Process Start(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, string log)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var writer = TextWriter.Synchronized(new StreamWriter(log) { AutoFlush = true });
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) writer.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) writer.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForRedisAsync(int port, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private static string? FindRedisServer()
    {
        if (Environment.GetEnvironmentVariable("ADAPTIVE_REDIS_SERVER") is { Length: > 0 } configured)
        {
            return configured;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Append("/usr/bin").Append("/usr/sbin")
            .Select(folder => Path.Combine(folder, "redis-server"))
            .FirstOrDefault(File.Exists);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                Signal(process, SigKill);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static void Signal(Process process, int signal)
    {
        try
        {
            if (!process.HasExited)
            {
                _ = SendSignal(process.Id, signal);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
