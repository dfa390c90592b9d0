using System.CommandLine;
using System.Globalization;
using Orleans.Adaptive.Client;
using Orleans.Adaptive.Client.Workload;
using Orleans.Adaptive.CommandLine;
using Orleans.Adaptive.Learning.Data;
using Spectre.Console;

namespace Orleans.Adaptive.Silo.Demo;

/// <summary>
/// The default command: a local multi-silo cluster, a workload replayed from a real trace, and a live view.
/// </summary>
internal static class DemoCommand
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PlainLineInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(3);

    public static void Configure(RootCommand root)
    {
        var silos = Add(root, new Option<int>("--silos") { Description = "Silos to start in this process.", DefaultValueFactory = _ => 3 });
        var capacities = Add(root, new Option<string?>("--capacities") { Description = "Capacity of each silo in work units per second, comma-separated, or one value for all (default 400,400,250)." });
        var duration = Add(root, new Option<string?>("--duration") { Description = "Stop after this long (seconds, or 90s, 5m); default: run until Ctrl+C." });
        var report = Add(root, new Option<string?>("--report") { Description = "Write a JSON report of the run to this file (schema in the README)." });
        var trace = Add(root, new Option<string?>("--trace") { Description = "CSV trace to replay (timestamp + value columns, like ../shared/data/traces); default: the shipped NASA excerpt." });
        var traceColumn = Add(root, new Option<string?>("--trace-column") { Description = "Column of the trace holding the load (default: the first column after the timestamp)." });
        var step = Add(root, new Option<string?>("--step") { Description = "Wall-clock time each trace row lasts (default 100ms: a day of a per-minute trace in about 2.5 minutes)." });
        var load = Add(root, new Option<double>("--load") { Description = "Mean offered load as a fraction of total capacity.", DefaultValueFactory = _ => 0.45 });
        var partitions = Add(root, new Option<int>("--partitions") { Description = "Work partitions the load is spread over.", DefaultValueFactory = _ => 48 });
        var skew = Add(root, new Option<double>("--skew") { Description = "Zipf skew of load across partitions (0 = uniform).", DefaultValueFactory = _ => 0.8 });
        var itemCost = Add(root, new Option<double>("--item-cost") { Description = "Work units per item.", DefaultValueFactory = _ => 1.0 });
        var sampleInterval = Add(root, new Option<string?>("--sample-interval") { Description = "Node-monitor sampling interval (default 1s)." });
        var seed = Add(root, new Option<int>("--seed") { Description = "Seed of the workload's random draws.", DefaultValueFactory = _ => 1 });
        var siloPort = Add(root, new Option<int?>("--silo-port") { Description = "Silo port of the first silo (default 11111, or free ports if taken)." });
        var gatewayPort = Add(root, new Option<int?>("--gateway-port") { Description = "Gateway port of the first silo (default 30000, or free ports if taken)." });
        var clusterId = Add(root, new Option<string?>("--cluster-id") { Description = "Cluster id (default local)." });
        var noAdaptation = Add(root, new Option<bool>("--no-adaptation") { Description = "Run Orleans alone: no placement by prediction, no migrations, no autoscaling (the supervisor still forecasts)." });
        var scaleUpTo = Add(root, new Option<int?>("--scale-up-to") { Description = "Most silos the autoscaler runs (default: --silos + 1; equal to --silos turns autoscaling off)." });
        var shiftEvery = Add(root, new Option<string?>("--shift-every") { Description = "How often the hot partitions change (default 60s; 'never' keeps them)." });
        var fault = Add(root, new Option<string?>("--fault") { Description = "The degrading node's fault: cpu-degrade (default), memory-leak, latency-creep, gc-storm, error-burst, flap, or none." });
        var faultSilo = Add(root, new Option<int>("--fault-silo") { Description = "Which silo degrades (1 to --silos - 1).", DefaultValueFactory = _ => 1 });
        var faultAt = Add(root, new Option<string?>("--fault-at") { Description = "When the fault starts (default 60s)." });
        var faultRamp = Add(root, new Option<string?>("--fault-ramp") { Description = "How long the silo degrades before it fails (default 60s)." });
        var plain = Add(root, new Option<bool>("--plain") { Description = "Print a line every 5 seconds instead of the live view (the default when output is redirected)." });

        root.SetAction(async (parse, cancellationToken) =>
        {
            var errors = new List<string>();
            var settings = new DemoSettings
            {
                Silos = parse.GetValue(silos),
                Capacities = ParseCapacities(parse.GetValue(capacities), parse.GetValue(silos), errors),
                Duration = ParseDuration(parse.GetValue(duration), "--duration", null, errors),
                ReportPath = parse.GetValue(report),
                TracePath = parse.GetValue(trace),
                TraceColumn = parse.GetValue(traceColumn),
                Step = ParseDuration(parse.GetValue(step), "--step", TimeSpan.FromMilliseconds(100), errors) ?? TimeSpan.FromMilliseconds(100),
                Load = parse.GetValue(load),
                Partitions = parse.GetValue(partitions),
                Skew = parse.GetValue(skew),
                ItemCost = parse.GetValue(itemCost),
                SampleInterval = ParseDuration(parse.GetValue(sampleInterval), "--sample-interval", TimeSpan.FromSeconds(1), errors) ?? TimeSpan.FromSeconds(1),
                Seed = parse.GetValue(seed),
                SiloPort = parse.GetValue(siloPort),
                GatewayPort = parse.GetValue(gatewayPort),
                ClusterId = parse.GetValue(clusterId) ?? AdaptiveClusterOptions.DefaultClusterId,
                Adaptation = !parse.GetValue(noAdaptation),
                ScaleUpTo = parse.GetValue(scaleUpTo) ?? Math.Min(parse.GetValue(silos) + 1, DemoSettings.MaxSilos),
                ShiftEvery = parse.GetValue(shiftEvery) is "never" ? null : ParseDuration(parse.GetValue(shiftEvery), "--shift-every", TimeSpan.FromSeconds(60), errors),
                Plain = parse.GetValue(plain) || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive,
                Fault = ParseFault(parse.GetValue(fault), errors),
                FaultSilo = parse.GetValue(faultSilo),
                FaultAt = ParseDuration(parse.GetValue(faultAt), "--fault-at", TimeSpan.FromSeconds(60), errors) ?? TimeSpan.FromSeconds(60),
                FaultRamp = ParseDuration(parse.GetValue(faultRamp), "--fault-ramp", TimeSpan.FromSeconds(60), errors) ?? TimeSpan.FromSeconds(60),
            };
            errors.AddRange(settings.Validate());
            if (errors.Count > 0)
            {
                return CommandLineRunner.Fail(ExitCodes.InvalidInput, errors);
            }

            return await RunAsync(settings, cancellationToken);
        });
    }

    private static async Task<int> RunAsync(DemoSettings settings, CancellationToken cancellationToken)
    {
        TimeSeries series;
        try
        {
            series = LoadTrace(settings);
        }
        catch (Exception exception) when (exception is TimeSeriesFormatException or FileNotFoundException or IOException or UnauthorizedAccessException)
        {
            return CommandLineRunner.Fail(ExitCodes.InvalidInput, $"--trace: {exception.Message}");
        }

        TraceReplay replay;
        try
        {
            replay = new TraceReplay(series, settings.Step, settings.Load * settings.TotalCapacity / settings.ItemCost);
        }
        catch (ArgumentException exception)
        {
            return CommandLineRunner.Fail(ExitCodes.InvalidInput, $"--trace: {exception.Message}");
        }

        var ports = DemoPorts.Choose(settings, out var portError);
        if (portError is not null)
        {
            return CommandLineRunner.Fail(ExitCodes.InvalidInput, portError);
        }

        var log = new DemoLogSink();
        var startedAt = DateTimeOffset.UtcNow;
        Console.Error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Starting {settings.Silos} silos (capacities {string.Join(", ", settings.Capacities)} work units/s; gateways on ports {string.Join(", ", ports.GatewayPorts)}{(ports.UsedFallback ? ", because the default ports are taken" : string.Empty)})…"));

        DemoCluster cluster;
        try
        {
            cluster = await DemoCluster.StartAsync(settings, ports, log, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (Exception exception)
        {
            return CommandLineRunner.Fail(ExitCodes.Failed, $"the local cluster failed to start: {exception.GetType().Name}: {CommandLineRunner.FirstLine(exception.Message)}");
        }

        await using (cluster)
        {
            ClusterConnection connection;
            try
            {
                connection = await ClusterConnection.ConnectAsync(cluster.ClientOptions, cancellationToken: cancellationToken);
            }
            catch (ClusterConnectionException exception)
            {
                return CommandLineRunner.Fail(ExitCodes.Failed, exception.Message);
            }

            await using (connection)
            {
                return await RunWorkloadAsync(settings, cluster, connection, replay, ports, log, startedAt, cancellationToken);
            }
        }
    }

    private static async Task<int> RunWorkloadAsync(
        DemoSettings settings,
        DemoCluster cluster,
        ClusterConnection connection,
        TraceReplay replay,
        DemoPorts ports,
        DemoLogSink log,
        DateTimeOffset startedAt,
        CancellationToken cancellationToken)
    {
        var recorder = new DemoRecorder(connection.Client, cluster.Silos, startedAt);
        var autoscaler = new DemoAutoscaler(cluster, recorder, connection.Client, settings);
        var fault = new DemoFault(settings, cluster, recorder, connection.Client);
        var supervisor = connection.Client.GetSupervisor();
        var decisions = new List<AdaptiveDecision>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        string SiloName(string? address)
        {
            if (address is null)
            {
                return "-";
            }

            foreach (var silo in cluster.Silos)
            {
                names.TryAdd(silo.Address, silo.Name);
            }

            return names.GetValueOrDefault(address, address);
        }
        var partitionIds = Enumerable.Range(0, settings.Partitions).Select(static i => $"p{i:00}").ToList();
        var driver = new WorkloadDriver(
            connection.Adaptive.CreateProducer(),
            replay,
            new WorkloadDriverOptions
            {
                PartitionIds = partitionIds,
                Skew = settings.Skew,
                ItemCost = settings.ItemCost,
                Seed = settings.Seed,
                HotSetShiftInterval = settings.ShiftEvery,
            });

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (settings.Duration is { } duration)
        {
            stop.CancelAfter(duration);
        }

        var cliHint = ports.GatewayPorts[0] == AdaptiveClusterOptions.DefaultGatewayPort && settings.ClusterId == AdaptiveClusterOptions.DefaultClusterId
            ? "dotnet run --project src/Client/Orleans.Adaptive.Cli -- status"
            : $"dotnet run --project src/Client/Orleans.Adaptive.Cli -- status --gateway-port {ports.GatewayPorts[0]} --cluster-id {settings.ClusterId}";
        recorder.WorkloadStartedAt = DateTimeOffset.UtcNow;
        var driving = driver.RunAsync(TimeSpan.FromSeconds(5), stop.Token);
        try
        {
            await fault.InjectAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or OrleansException)
        {
            Console.Error.WriteLine($"Could not inject the demo's fault: {CommandLineRunner.FirstLine(exception.Message)}");
        }


        async Task<DemoFrame> NextFrameAsync()
        {
            ClusterStatus? status = null;
            string? statusError = null;
            try
            {
                status = await connection.Adaptive.Status.ReadAsync(cancellationToken: CancellationToken.None);
            }
            catch (Exception exception) when (exception is TimeoutException or OrleansException)
            {
                statusError = CommandLineRunner.FirstLine(exception.Message);
            }

            await recorder.CollectAsync(QueryTimeout, CancellationToken.None);
            var (view, supervisorStatus, health) = await ReadSupervisorAsync(supervisor, decisions, SiloName);
            autoscaler.Evaluate(view, stop.Token);
            await fault.CheckAsync(stop.Token);
            return new DemoFrame(
                driver.Elapsed, settings.Duration, replay, driver.ReadStatistics(), status, statusError, cluster.Silos, log.Recent(3), cliHint,
                view, supervisorStatus, decisions.TakeLast(3).ToList(), autoscaler, SiloName, health, fault.Describe(DateTimeOffset.UtcNow, health));
        }

        if (settings.Plain)
        {
            var lastLine = DateTimeOffset.MinValue;
            while (!stop.IsCancellationRequested)
            {
                var frame = await NextFrameAsync();
                if (DateTimeOffset.UtcNow - lastLine >= PlainLineInterval)
                {
                    Console.WriteLine(DemoView.Line(frame));
                    lastLine = DateTimeOffset.UtcNow;
                }

                await DelayQuietly(RefreshInterval, stop.Token);
            }
        }
        else
        {
            var first = await NextFrameAsync();
            await AnsiConsole.Live(DemoView.Render(first)).AutoClear(false).StartAsync(async context =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await DelayQuietly(RefreshInterval, stop.Token);
                    context.UpdateTarget(DemoView.Render(await NextFrameAsync()));
                    context.Refresh();
                }
            });
        }

        Console.Error.WriteLine("Stopping: draining work in flight…");
        await driving;
        await autoscaler.WaitAsync();
        var (finalView, finalStatus, finalHealth) = await ReadSupervisorAsync(supervisor, decisions, SiloName);
        var endedAt = DateTimeOffset.UtcNow;
        await recorder.CollectAsync(QueryTimeout, CancellationToken.None);
        await recorder.CollectPartitionsAsync(QueryTimeout, CancellationToken.None);
        var statistics = driver.ReadStatistics();

        if (settings.ReportPath is { } path)
        {
            var document = DemoReport.Build(settings, recorder, driver, endedAt, finalStatus is null ? null : new ReportSupervisor(
                finalStatus.AdaptationEnabled, finalStatus.Cycles, finalStatus.Migrations, finalStatus.MigrationsFailed,
                finalStatus.ForecastMeanAbsoluteError, finalStatus.LastValueMeanAbsoluteError, finalView?.DesiredSilos,
                autoscaler.Started, autoscaler.Stopped, decisions));
            await DemoReport.WriteAsync(path, document, CancellationToken.None);
            Console.Error.WriteLine($"Report written to {Path.GetFullPath(path)} ({document.Silos.Sum(static s => s.Samples.Count)} samples from {document.Silos.Count} silos).");
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Done after {driver.Elapsed.TotalSeconds:0.0} s: {statistics.Submitted} items submitted, {statistics.Applied} applied, {statistics.Duplicates} duplicates, {statistics.Rejected} rejected, {statistics.Unknown} unknown, {statistics.Failed} failed, {statistics.Shed} shed, {statistics.InFlight} still in flight."));
        if (finalStatus is not null)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Supervisor: {finalStatus.Migrations} migrations ({finalStatus.MigrationsFailed} failed); autoscaler started {autoscaler.Started} and stopped {autoscaler.Stopped} silos."));
        }
        return cancellationToken.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Success;
    }

    /// <summary>
    /// The supervisor's latest view and status, and its new decisions appended to <paramref name="decisions"/> with
    /// silo addresses replaced by the demo's names; nulls while the supervisor cannot be reached.
    /// </summary>
    private static async Task<(ClusterLoadView? View, SupervisorStatus? Status, IReadOnlyList<SiloHealthReport>? Health)> ReadSupervisorAsync(
        ISupervisorGrain supervisor, List<AdaptiveDecision> decisions, Func<string?, string> siloName)
    {
        try
        {
            var view = await supervisor.GetView().WaitAsync(QueryTimeout);
            var status = await supervisor.GetStatus().WaitAsync(QueryTimeout);
            var health = await supervisor.GetHealth().WaitAsync(QueryTimeout);
            var fresh = await supervisor.GetDecisions(decisions.Count > 0 ? decisions[^1].Id : 0, 1000).WaitAsync(QueryTimeout);
            foreach (var decision in fresh)
            {
                var reason = decision.Reason;
                foreach (var address in new[] { decision.From, decision.To, decision.Subject })
                {
                    if (address is not null && siloName(address) is var name && name != address)
                    {
                        reason = reason.Replace(address, name, StringComparison.Ordinal);
                    }
                }

                decisions.Add(decision with { Reason = reason });
            }

            return (view, status, health);
        }
        catch (Exception exception) when (exception is TimeoutException or OrleansException)
        {
            return (null, null, null);
        }
    }

    private static TimeSeries LoadTrace(DemoSettings settings)
    {
        if (settings.TracePath is { } path)
        {
            return TimeSeriesCsv.Read(path, settings.TraceColumn);
        }

        const string Resource = "Orleans.Adaptive.Silo.Demo.Traces.nasa_http_1995_excerpt.csv";
        using var stream = typeof(DemoCommand).Assembly.GetManifestResourceStream(Resource)
            ?? throw new FileNotFoundException($"The shipped trace {Resource} is missing from the build.");
        using var reader = new StreamReader(stream);
        return TimeSeriesCsv.Read(reader, "nasa_http_1995_excerpt.csv (shipped)", "nasa_http_1995_excerpt", settings.TraceColumn);
    }

    private static FaultKind? ParseFault(string? text, List<string> errors)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "cpu-degrade":
                return FaultKind.CpuDegrade;
            case "none":
                return null;
            case "memory-leak":
                return FaultKind.MemoryLeak;
            case "latency-creep":
                return FaultKind.LatencyCreep;
            case "gc-storm":
                return FaultKind.GcStorm;
            case "error-burst":
                return FaultKind.ErrorBurst;
            case "flap":
                return FaultKind.Flap;
            default:
                errors.Add($"--fault: '{text}' is not a fault the demo injects (cpu-degrade, memory-leak, latency-creep, gc-storm, error-burst, flap or none).");
                return null;
        }
    }

    private static IReadOnlyList<double> ParseCapacities(string? text, int silos, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return silos == DemoSettings.DefaultCapacities.Length
                ? DemoSettings.DefaultCapacities
                : Enumerable.Range(0, silos).Select(i => DemoSettings.DefaultCapacities[Math.Min(i, DemoSettings.DefaultCapacities.Length - 2)]).ToArray();
        }

        var values = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                values.Add(value);
            }
            else
            {
                errors.Add($"--capacities: '{part}' is not a number.");
            }
        }

        return values.Count == 1 && silos > 1 ? Enumerable.Repeat(values[0], silos).ToArray() : values;
    }

    private static TimeSpan? ParseDuration(string? text, string flag, TimeSpan? fallback, List<string> errors)
    {
        if (text is null)
        {
            return fallback;
        }

        if (DurationParser.TryParse(text, out var value))
        {
            return value;
        }

        errors.Add($"{flag}: '{text}' is not a duration (write for example 30, 30s, 500ms or 2m).");
        return fallback;
    }

    private static T Add<T>(RootCommand root, T option)
        where T : Option
    {
        root.Options.Add(option);
        return option;
    }

    private static async Task DelayQuietly(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
