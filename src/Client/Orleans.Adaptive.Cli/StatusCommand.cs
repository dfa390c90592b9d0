using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Adaptive.Client;
using Orleans.Adaptive.CommandLine;
using Spectre.Console;

namespace Orleans.Adaptive.Cli;

/// <summary>`adaptive status`: the cluster's silos, their state, latest metrics and partition counts.</summary>
internal static class StatusCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static Command Create()
    {
        var command = new Command("status", "Show the cluster's silos: membership state, latest node-monitor sample, partition counts.");
        var json = new Option<bool>("--json") { Description = "Print JSON (schema in the README) instead of a table." };
        var all = new Option<bool>("--all") { Description = "Also list silos that died more than an hour ago." };
        var connection = new ConnectionOptions();
        command.Options.Add(json);
        command.Options.Add(all);
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => connection.RunConnectedAsync(parse, async (connected, cluster) =>
        {
            ClusterStatus status;
            try
            {
                status = await connected.Adaptive.Status.ReadAsync(parse.GetValue(all), cancellationToken);
            }
            catch (Exception exception) when (exception is TimeoutException or OrleansException)
            {
                return CommandLineRunner.Fail(ExitCodes.Failed, $"connected to {cluster.Describe()}, but reading its membership failed: {exception.Message}");
            }

            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(StatusDocument.From(cluster, status), Json));
            }
            else
            {
                Print(cluster, status);
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static void Print(AdaptiveClusterOptions cluster, ClusterStatus status)
    {
        var active = status.ActiveSilos.Count();
        var partitions = status.ActiveSilos.Sum(static s => s.Latest?.PartitionCount ?? 0);
        AnsiConsole.MarkupLine($"[bold]{active} active silo{(active == 1 ? string.Empty : "s")}, {partitions:0} partitions[/] in {Markup.Escape(cluster.Describe())}");
        if (Console.IsOutputRedirected)
        {
            // Piped into a file or another program: no terminal width to respect, so never wrap rows.
            AnsiConsole.Profile.Width = 200;
        }

        // A narrow terminal drops the endpoint column rather than wrap every row (--json always has it).
        var showEndpoint = AnsiConsole.Profile.Width >= 100;
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in new[] { "Silo", "Endpoint", "Status", "CPU%", "MemMB", "Req/s", "p99ms", "Err", "Util", "Queue", "Parts", "Age" })
        {
            if (column != "Endpoint" || showEndpoint)
            {
                table.AddColumn(new TableColumn(column) { NoWrap = true, Padding = new Padding(0, 0, 1, 0) });
            }
        }

        foreach (var silo in status.Silos)
        {
            var s = silo.Latest;
            var state = silo.Status switch
            {
                "Active" when silo.Error is null => "[green]Active[/]",
                "Active" => "[yellow]Unanswered[/]",
                "Dead" => "[red]Dead[/]",
                _ => Markup.Escape(silo.Status),
            };
            var cells = new List<string>
            {
                Markup.Escape(silo.Name),
                Markup.Escape(Endpoint(silo.Address)),
                state,
                Format(s?.CpuPercent, "0"),
                Format(s?.MemoryUsedMb, "0"),
                Format(s?.RequestsPerSecond, "0"),
                Format(s?.LatencyP99Ms, "0.0"),
                Format(s?.ErrorRate, "0%"),
                Format(s?.Utilization, "0%"),
                Format(s?.QueueLength, "0"),
                Format(s?.PartitionCount, "0"),
                s is null ? "-" : Age(status.CollectedAt - s.Timestamp),
            };
            if (!showEndpoint)
            {
                cells.RemoveAt(1);
            }

            table.AddRow([.. cells]);
        }

        AnsiConsole.Write(table);
        foreach (var silo in status.Silos.Where(static s => s.Error is not null))
        {
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(silo.Name)}:[/] {Markup.Escape(silo.Error!)}");
        }

        if (status.HiddenDeadSilos > 0)
        {
            AnsiConsole.MarkupLine($"[grey]{status.HiddenDeadSilos} silo(s) that died more than an hour ago are hidden; --all shows them.[/]");
        }
    }

    // host:port, without the generation that makes the full address unique across restarts.
    private static string Endpoint(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? address : address[..at];
    }

    private static string Format(double? value, string format)
        => value is { } v ? Markup.Escape(v.ToString(format, CultureInfo.InvariantCulture)) : "-";

    private static string Age(TimeSpan age)
        => age.TotalSeconds < 90 ? string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, age.TotalSeconds):0}s") : string.Create(CultureInfo.InvariantCulture, $"{age.TotalMinutes:0}m");
}

/// <summary>The JSON of `adaptive status --json` (schema version 1, documented in the README).</summary>
internal sealed record StatusDocument(
    int SchemaVersion,
    DateTimeOffset CollectedAt,
    StatusCluster Cluster,
    StatusSummary Summary,
    IReadOnlyList<SiloStatusEntry> Silos,
    int HiddenDeadSilos)
{
    public static StatusDocument From(AdaptiveClusterOptions cluster, ClusterStatus status)
    {
        var active = status.ActiveSilos.ToList();
        return new StatusDocument(
            1,
            status.CollectedAt,
            new StatusCluster(cluster.ClusterId, cluster.ServiceId, cluster.Clustering.ToString().ToLowerInvariant()),
            new StatusSummary(
                active.Count,
                status.Silos.Count(static s => s.Status == "Dead"),
                active.Count(static s => s.Error is not null),
                active.Sum(static s => s.Latest?.PartitionCount ?? 0)),
            status.Silos,
            status.HiddenDeadSilos);
    }
}

internal sealed record StatusCluster(string ClusterId, string ServiceId, string Clustering);

internal sealed record StatusSummary(int Active, int Dead, int Unreachable, double Partitions);
