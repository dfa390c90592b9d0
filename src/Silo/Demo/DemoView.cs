using System.Globalization;
using Microsoft.Extensions.Logging;
using Orleans.Adaptive.Client;
using Orleans.Adaptive.Client.Workload;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orleans.Adaptive.Silo.Demo;

/// <summary>What the view shows at one refresh.</summary>
internal sealed record DemoFrame(
    TimeSpan Elapsed,
    TimeSpan? Duration,
    TraceReplay Replay,
    WorkloadStatistics Workload,
    ClusterStatus? Status,
    string? StatusError,
    IReadOnlyList<DemoSilo> Silos,
    IReadOnlyList<DemoLogEntry> Events,
    string CliHint,
    ClusterLoadView? View,
    SupervisorStatus? Supervisor,
    IReadOnlyList<AdaptiveDecision> Decisions,
    DemoAutoscaler Autoscaler,
    Func<string?, string> SiloName,
    IReadOnlyList<SiloHealthReport>? Health,
    string? Fault);

/// <summary>Renders the demo: a live table per silo when the console is interactive, a line every few seconds otherwise.</summary>
internal static class DemoView
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IRenderable Render(DemoFrame frame)
    {
        var header = new Markup(
            $"[bold]Orleans.Adaptive[/] local demo   [grey]elapsed[/] {Clock(frame.Elapsed)}{(frame.Duration is { } d ? $" / {Clock(d)}" : string.Empty)}   " +
            $"[grey]trace[/] {Markup.Escape(frame.Replay.Name)} @ {TraceTime(frame)}");
        var w = frame.Workload;
        var workload = new Markup(
            $"[grey]offered[/] {w.OfferedItemsPerSecond:0} items/s [grey](mean {frame.Replay.MeanItemsPerSecond:0}, peak {frame.Replay.PeakItemsPerSecond:0})[/]   " +
            $"[green]applied {w.Applied:N0}[/]   duplicates {w.Duplicates:N0}   " +
            $"{Colour(w.NotAcknowledged > 0, "red", $"not acknowledged {w.NotAcknowledged:N0}")}   shed {w.Shed:N0}   in flight {w.InFlight:N0}   " +
            $"[grey]client p99[/] {Ms(w.Latency.PercentileMs(0.99))}");

        // Narrow terminals (80 columns) get a shorter bar and no CPU/memory columns rather than wrapped rows.
        var wide = AnsiConsole.Profile.Width >= 110;
        var table = new Table().Border(TableBorder.Simple);
        var columns = new List<string> { "Silo", "Status", "Cap", "Load vs capacity", "Pred", "Util", "Queue", "p99ms", "Req/s", "Err", "Parts" };
        if (wide)
        {
            columns.AddRange(["CPU%", "MemMB"]);
        }

        foreach (var column in columns)
        {
            var aligned = new TableColumn(column) { NoWrap = true, Padding = new Padding(0, 0, 1, 0) };
            table.AddColumn(column is "Silo" or "Status" or "Load vs capacity" ? aligned : aligned.RightAligned());
        }

        foreach (var silo in frame.Silos)
        {
            var entry = frame.Status?.Silos.FirstOrDefault(e => e.Address == silo.Address);
            var sample = entry?.Latest;
            var forecast = frame.View?.Silos.FirstOrDefault(f => f.Silo == silo.Address);
            var health = frame.Health?.FirstOrDefault(h => h.Silo == silo.Address);
            var status = entry is null ? "[grey]?[/]"
                : entry.Status != "Active" || entry.Error is not null ? $"[red]{Markup.Escape(entry.Error is null ? entry.Status : "Unanswered")}[/]"
                : health?.Quarantined == true || forecast?.State == SiloAdaptiveState.Quarantined ? "[red]Quarantined[/]"
                : forecast?.State == SiloAdaptiveState.Draining ? "[yellow]Draining[/]"
                : health?.Health == SiloHealthState.Failing ? "[red]Failing[/]"
                : health?.Health == SiloHealthState.Suspect ? "[yellow]Suspect[/]"
                : "[green]Active[/]";
            var utilization = sample?.Utilization;
            var cells = new List<IRenderable>
            {
                new Markup(Markup.Escape(silo.Name)),
                new Markup(status),
                // The capacity the silo reports now: a degrading silo shows it falling.
                new Markup(Number(sample?.CapacityWorkUnitsPerSecond ?? silo.Capacity, "0")),
                LoadBar(sample?.WorkUnitsPerSecond, silo.Capacity, wide ? 20 : 10),
                new Markup(Number(forecast?.PredictedLoad, "0")),
                new Markup(utilization is { } u ? Colour(u >= 0.9, "red", Colour(u >= 0.7, "yellow", u.ToString("0%", Invariant))) : "-"),
                new Markup(Number(sample?.QueueLength, "0")),
                new Markup(Ms(sample?.LatencyP99Ms)),
                new Markup(Number(sample?.RequestsPerSecond, "0")),
                new Markup(sample?.ErrorRate is { } e ? Colour(e > 0, "red", e.ToString("0.0%", Invariant)) : "-"),
                new Markup(Number(sample?.PartitionCount, "0")),
            };
            if (wide)
            {
                cells.Add(new Markup(Number(sample?.CpuPercent, "0")));
                cells.Add(new Markup(Number(sample?.MemoryUsedMb, "0")));
            }

            table.AddRow(cells);
        }

        var rows = new List<IRenderable> { header, workload, table, Supervisor(frame) };
        if (frame.Fault is { } fault)
        {
            rows.Add(new Markup($"[red]degrading node:[/] {Markup.Escape(Truncate(fault, 160))}"));
        }

        var autoscaler = frame.Autoscaler;
        if (autoscaler.Activity is { } activity)
        {
            rows.Add(new Markup($"[yellow]autoscaler:[/] {Markup.Escape(activity)}"));
        }

        foreach (var scaled in autoscaler.RecentEvents(2))
        {
            rows.Add(new Markup($"[grey]autoscaler:[/] {Markup.Escape(Truncate(scaled, 160))}"));
        }

        if (frame.Decisions.Count > 0)
        {
            rows.Add(new Markup("[grey]latest decisions ([/]adaptive decisions[grey] shows all):[/]"));
            foreach (var decision in frame.Decisions)
            {
                rows.Add(new Markup($"  [blue]{decision.At.ToLocalTime():HH:mm:ss}[/] {Markup.Escape(Truncate(Describe(decision, frame.SiloName), 160))}"));
            }
        }
        if (frame.StatusError is not null)
        {
            rows.Add(new Markup($"[red]status unavailable:[/] {Markup.Escape(frame.StatusError)}"));
        }

        if (frame.Events.Count > 0)
        {
            rows.Add(new Markup("[grey]recent warnings:[/]"));
            foreach (var entry in frame.Events)
            {
                var colour = entry.Level >= LogLevel.Error ? "red" : "yellow";
                rows.Add(new Markup($"  [{colour}]{entry.Time.ToLocalTime():HH:mm:ss}[/] {Markup.Escape(Truncate(entry.Message, 160))}"));
            }
        }

        rows.Add(new Markup(
            "[grey]Load: work units/s served now; Pred: the supervisor's forecast for the next interval, which placement and " +
            "rebalancing act on. Utilisation is of each silo's simulated capacity (silos share this machine's CPU).[/]"));
        rows.Add(new Markup($"[grey]Ctrl+C stops (the report is still written). In another terminal:[/] {Markup.Escape(frame.CliHint)}"));
        return new Rows(rows);
    }

    private static Markup Supervisor(DemoFrame frame)
    {
        if (frame.Supervisor is not { } status)
        {
            return new Markup("[grey]supervisor: starting…[/]");
        }

        var mode = status.AdaptationEnabled ? "[green]adaptation on[/]" : "[yellow]adaptation off[/]";
        var error = status.ForecastMeanAbsoluteError is { } f && status.LastValueMeanAbsoluteError is { } l
            ? string.Create(Invariant, $"forecast error {f:0.0} u/s (last value {l:0.0})")
            : "forecast error -";
        var advice = frame.View?.DesiredSilos is { } desired ? string.Create(Invariant, $"advice {desired} silos for {frame.View.Silos.Sum(s => s.PredictedLoad):0} u/s predicted") : "advice -";
        return new Markup(string.Create(Invariant,
            $"[grey]supervisor[/] on {Markup.Escape(frame.SiloName(status.Silo))}  {mode}  cycle {status.Cycles}  model v{status.ModelVersion}  {error}  " +
            $"migrations {status.Migrations}{(status.MigrationsFailed > 0 ? $" ([red]{status.MigrationsFailed} failed[/])" : string.Empty)}  {advice}"));
    }

    private static string Describe(AdaptiveDecision decision, Func<string?, string> siloName) => decision.Kind switch
    {
        DecisionKind.Migration => $"moved {PartitionName(decision.Subject)} {siloName(decision.From)} → {siloName(decision.To)}: {decision.Reason}",
        _ => $"{decision.Kind}: {decision.Reason}",
    };

    private static string PartitionName(string grainId) => grainId.StartsWith("workpartition/", StringComparison.Ordinal) ? grainId["workpartition/".Length..] : grainId;

    /// <summary>One line for plain (non-interactive) output.</summary>
    public static string Line(DemoFrame frame)
    {
        var w = frame.Workload;
        var silos = string.Join("  ", frame.Silos.Select(silo =>
        {
            var sample = frame.Status?.Silos.FirstOrDefault(e => e.Address == silo.Address)?.Latest;
            var forecast = frame.View?.Silos.FirstOrDefault(f => f.Silo == silo.Address);
            var health = frame.Health?.FirstOrDefault(h => h.Silo == silo.Address);
            var state = health is null ? "" : health.Quarantined ? " QUARANTINED" : health.Health == SiloHealthState.Healthy ? "" : $" {health.Health.ToString().ToUpperInvariant()}";
            return string.Create(Invariant, $"{silo.Name}{state} {Number(sample?.WorkUnitsPerSecond, "0")}/{Number(sample?.CapacityWorkUnitsPerSecond ?? silo.Capacity, "0")} u/s pred {Number(forecast?.PredictedLoad, "0")} util {Percent(sample?.Utilization)} p99 {Ms(sample?.LatencyP99Ms)}ms parts {Number(sample?.PartitionCount, "0")}");
        }));
        var supervisor = frame.Supervisor is { } status
            ? string.Create(Invariant, $" | migrations {status.Migrations} advice {frame.View?.DesiredSilos?.ToString(Invariant) ?? "-"} silos")
            : string.Empty;
        var fault = frame.Fault is { } f ? $" | {f}" : string.Empty;
        return string.Create(
            Invariant,
            $"[{Clock(frame.Elapsed)}] trace {TraceTime(frame)} offered {w.OfferedItemsPerSecond:0}/s applied {w.Applied} dup {w.Duplicates} unacked {w.NotAcknowledged} shed {w.Shed} | {silos}{supervisor}{fault}");
    }

    private static Markup LoadBar(double? load, double capacity, int width)
    {
        if (load is not { } value || capacity <= 0)
        {
            return new Markup("-");
        }

        var filled = (int)Math.Round(Math.Clamp(value / capacity, 0, 1) * width);
        var colour = value / capacity >= 0.9 ? "red" : value / capacity >= 0.7 ? "yellow" : "green";
        return new Markup($"{value,5:0} [{colour}]{new string('█', filled)}[/][grey]{new string('░', width - filled)}[/]");
    }

    private static string TraceTime(DemoFrame frame)
    {
        var time = frame.Replay.TraceTimeAt(frame.Elapsed);
        var row = frame.Replay.RowAt(frame.Elapsed);
        return time is { } t ? string.Create(Invariant, $"{t:yyyy-MM-dd HH:mm} (row {row})") : string.Create(Invariant, $"row {row}");
    }

    private static string Clock(TimeSpan value) => value.TotalHours >= 1 ? value.ToString(@"h\:mm\:ss", Invariant) : value.ToString(@"mm\:ss", Invariant);

    private static string Ms(double? value) => value is { } v ? v.ToString(v < 10 ? "0.0" : "0", Invariant) : "-";

    private static string Number(double? value, string format) => value is { } v ? v.ToString(format, Invariant) : "-";

    private static string Percent(double? value) => value is { } v ? v.ToString("0%", Invariant) : "-";

    private static string Colour(bool condition, string colour, string text) => condition ? $"[{colour}]{text}[/]" : text;

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
