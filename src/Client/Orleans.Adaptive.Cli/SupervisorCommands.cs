using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Adaptive.Client;
using Orleans.Adaptive.CommandLine;

namespace Orleans.Adaptive.Cli;

/// <summary>
/// The commands that talk to the supervisor: <c>pause</c> and <c>resume</c> (the kill switch), <c>decisions</c>,
/// <c>explain</c>, <c>health</c>, <c>quarantine</c> and <c>release</c>.
/// </summary>
internal static class SupervisorCommands
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static IEnumerable<Command> Create()
    {
        yield return Pause();
        yield return Resume();
        yield return Decisions();
        yield return Explain();
        yield return Health();
        yield return Quarantine(quarantine: true);
        yield return Quarantine(quarantine: false);
    }

    private static Command Pause()
    {
        var reason = ReasonOption("operator paused adaptation");
        return Build(
            new Command("pause", "Switch adaptation off (the kill switch): placement behaves as Orleans' own, nothing is moved, quarantined or evicted. Detection goes on and is recorded."),
            [reason],
            async (supervisor, parse, _) =>
            {
                await supervisor.SetAdaptation(false, parse.GetValue(reason)!);
                Console.WriteLine("Adaptation is off: the cluster behaves as plain Orleans. `adaptive resume` switches it on again.");
                return ExitCodes.Success;
            });
    }

    private static Command Resume()
    {
        var reason = ReasonOption("operator resumed adaptation");
        return Build(
            new Command("resume", "Switch adaptation on again."),
            [reason],
            async (supervisor, parse, _) =>
            {
                try
                {
                    await supervisor.SetAdaptation(true, parse.GetValue(reason)!);
                }
                catch (InvalidOperationException exception)
                {
                    return CommandLineRunner.Fail(ExitCodes.Failed, exception.Message);
                }

                Console.WriteLine("Adaptation is on.");
                return ExitCodes.Success;
            });
    }

    private static Command Decisions()
    {
        var last = new Option<int>("--last") { Description = "How many of the newest decisions to show.", DefaultValueFactory = _ => 50 };
        var kind = new Option<string?>("--kind") { Description = "Only this kind: migration, migrationFailed, adaptationChanged, scaleAdvice, siloStateChanged, healthChanged, quarantineRefused, eviction, reactivation." };
        var json = JsonOption();
        return Build(
            new Command("decisions", "List the supervisor's latest decisions, each with its reason and inputs."),
            [last, kind, json],
            async (supervisor, parse, _) =>
            {
                DecisionKind? only = null;
                if (parse.GetValue(kind) is { } name)
                {
                    if (!Enum.TryParse<DecisionKind>(name, ignoreCase: true, out var parsed))
                    {
                        return CommandLineRunner.Fail(ExitCodes.InvalidInput, $"--kind: unknown kind '{name}'.");
                    }

                    only = parsed;
                }

                var decisions = (await AllDecisionsAsync(supervisor)).Where(d => only is null || d.Kind == only).TakeLast(Math.Max(1, parse.GetValue(last))).ToList();
                Print(decisions, parse.GetValue(json));
                return ExitCodes.Success;
            });
    }

    private static Command Explain()
    {
        var target = new Argument<string>("silo-or-partition") { Description = "A silo address (as `adaptive status` shows it) or a partition id (p0017, or its grain id workpartition/p0017)." };
        var json = JsonOption();
        return Build(
            new Command("explain", "Explain what the supervisor did with a silo or a partition, and why."),
            [target, json],
            async (supervisor, parse, _) =>
            {
                var subject = parse.GetValue(target)!.Trim();
                var decisions = await AllDecisionsAsync(supervisor);
                if (SiloAddress.TryParse(subject, out var _))
                {
                    var health = (await supervisor.GetHealth()).FirstOrDefault(h => h.Silo == subject);
                    var related = decisions.Where(d => d.Subject == subject || d.From == subject || d.To == subject).ToList();
                    if (parse.GetValue(json))
                    {
                        Console.WriteLine(JsonSerializer.Serialize(new { silo = subject, health, decisions = related }, Json));
                        return ExitCodes.Success;
                    }

                    Console.WriteLine(health is null
                        ? $"Silo {subject}: the supervisor has no health verdict on it (not reporting, or gone)."
                        : $"Silo {subject}: {health.Health}{(health.Quarantined ? ", quarantined" : "")}: {health.Explanation}");
                    Print(related, json: false);
                    return ExitCodes.Success;
                }

                var partition = subject.Contains('/', StringComparison.Ordinal) ? subject : $"workpartition/{subject}";
                var moves = decisions.Where(d => d.Subject == partition).ToList();
                if (parse.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(new { partition, decisions = moves }, Json));
                    return ExitCodes.Success;
                }

                Console.WriteLine(moves.Count == 0
                    ? $"Partition {partition}: no decision about it in the supervisor's log (it was never moved, or the log has rolled over)."
                    : $"Partition {partition}:");
                Print(moves, json: false);
                return ExitCodes.Success;
            });
    }

    private static Command Health()
    {
        var json = JsonOption();
        return Build(
            new Command("health", "Show the supervisor's verdict on every silo: Healthy, Suspect or Failing, quarantined or not, and why."),
            [json],
            async (supervisor, parse, _) =>
            {
                var status = await supervisor.GetStatus();
                var health = await supervisor.GetHealth();
                if (parse.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(new { supervisor = status.Silo, adaptationEnabled = status.AdaptationEnabled, status.Quarantined, status.MaxQuarantined, status.HealthModelTrainings, status.Evictions, silos = health }, Json));
                    return ExitCodes.Success;
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Adaptation {(status.AdaptationEnabled ? "on" : "off")}; {status.Quarantined.Count} of at most {status.MaxQuarantined} quarantined; anomaly model trained {status.HealthModelTrainings} time(s)."));
                foreach (var silo in health)
                {
                    Console.WriteLine($"  {silo.Silo,-28} {silo.Health,-8} {(silo.Quarantined ? "quarantined" : ""),-11} {silo.Explanation}");
                }

                return ExitCodes.Success;
            });
    }

    private static Command Quarantine(bool quarantine)
    {
        var silo = new Argument<string>("silo") { Description = "The silo's address, as `adaptive status` shows it." };
        var reason = ReasonOption(quarantine ? "operator quarantined the silo" : "operator released the silo");
        return Build(
            quarantine
                ? new Command("quarantine", "Quarantine a silo by hand: placement avoids it and its partitions move off within the migration budget.")
                : new Command("release", "Release a quarantined silo."),
            [silo, reason],
            async (supervisor, parse, _) =>
            {
                try
                {
                    await supervisor.SetQuarantine(parse.GetValue(silo)!, quarantine, parse.GetValue(reason)!);
                }
                catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
                {
                    return CommandLineRunner.Fail(exception is ArgumentException ? ExitCodes.InvalidInput : ExitCodes.Failed, exception.Message);
                }

                Console.WriteLine(quarantine ? $"Silo {parse.GetValue(silo)} is quarantined." : $"Silo {parse.GetValue(silo)} is released.");
                return ExitCodes.Success;
            });
    }

    private static async Task<List<AdaptiveDecision>> AllDecisionsAsync(ISupervisorGrain supervisor)
    {
        var all = new List<AdaptiveDecision>();
        while (true)
        {
            var batch = await supervisor.GetDecisions(all.Count > 0 ? all[^1].Id : 0, 10_000);
            if (batch.Count == 0)
            {
                return all;
            }

            all.AddRange(batch);
        }
    }

    private static void Print(IReadOnlyList<AdaptiveDecision> decisions, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(decisions, Json));
            return;
        }

        foreach (var decision in decisions)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"#{decision.Id} {decision.At:HH:mm:ss} {decision.Kind,-17} {decision.Reason}"));
        }
    }

    private static Option<string> ReasonOption(string fallback) => new("--reason") { Description = "Why (recorded in the decision log).", DefaultValueFactory = _ => fallback };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print JSON instead of text." };

    /// <summary>Adds the connection flags and runs <paramref name="action"/> against the cluster's supervisor, mapping failures to exit codes.</summary>
    private static Command Build(Command command, IEnumerable<Symbol> symbols, Func<ISupervisorGrain, ParseResult, CancellationToken, Task<int>> action)
    {
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Option option:
                    command.Options.Add(option);
                    break;
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
            }
        }

        var connection = new ConnectionOptions();
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => connection.RunConnectedAsync(parse, async (connected, cluster) =>
        {
            try
            {
                return await action(connected.Client.GetSupervisor(), parse, cancellationToken);
            }
            catch (Exception exception) when (exception is TimeoutException or OrleansException)
            {
                return CommandLineRunner.Fail(ExitCodes.Failed, $"connected to {cluster.Describe()}, but the supervisor did not answer: {exception.Message}");
            }
        }, cancellationToken));
        return command;
    }
}
