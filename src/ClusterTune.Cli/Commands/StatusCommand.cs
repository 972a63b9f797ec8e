using System.Globalization;
using ClusterTune.Api;
using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Cli.Commands;

/// <summary>`ctune status [JOB]`: a table of the namespace's sweeps, or one sweep in detail with its budget burn-down and events.</summary>
internal static class StatusCommand
{
    public const string Usage = """
        usage: ctune status [JOB] [--events N] [--kubeconfig PATH] [--context NAME] [-n NAMESPACE]
          without JOB: one line per FineTuneJob in the namespace
          with JOB:    its phase, conditions, trial counts, best trial, budget burn-down and last events
          --events     how many of the job's latest events to show (default 10)
        exit: 0 ok, 1 JOB not found or Failed, 2 bad usage
        """;

    /// <summary>Runs the command; returns the exit code.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter @out, TextWriter err, CancellationToken ct) =>
        CommandRunner.RunAsync("status", Usage, args, ["--events"], [], err, async (a, c) =>
        {
            if (a.Positionals.Count > 1)
            {
                throw new UsageException($"expected at most one JOB, got {string.Join(" ", a.Positionals)}");
            }

            var events = a.Int("--events", 0) ?? 10;
            var reader = new SweepReader(c.Client, c.Namespace);
            var now = DateTimeOffset.UtcNow;
            if (a.Positionals.Count == 0)
            {
                var jobs = await reader.JobsAsync(ct);
                if (jobs.Count == 0)
                {
                    await @out.WriteLineAsync($"No FineTuneJobs in namespace {c.Namespace}.");
                    return 0;
                }
                await @out.WriteLineAsync(RenderList(jobs, now));
                return 0;
            }

            var name = a.Positionals[0];
            var job = await reader.TryGetJobAsync(name, ct);
            if (job is null)
            {
                await err.WriteLineAsync($"ctune status: FineTuneJob {name} not found in namespace {c.Namespace}; list them with `ctune status -n {c.Namespace}` or pick the namespace with -n");
                return 1;
            }

            IReadOnlyList<Corev1Event> jobEvents = events == 0 ? [] : await reader.EventsAsync(FineTuneJob.KindName, name, ct);
            await @out.WriteLineAsync(RenderJob(job, jobEvents.TakeLast(events).ToList(), now));
            return job.Status?.Phase == FineTuneJobPhase.Failed ? 1 : 0;
        });

    /// <summary>NAME, PHASE, BEST, SUCCEEDED/TOTAL, GPU-HOURS (used/left), AGE for each job.</summary>
    public static string RenderList(IReadOnlyList<FineTuneJob> jobs, DateTimeOffset now)
    {
        var table = new TextTable("NAME", "PHASE", "BEST", "SUCCEEDED/TOTAL", "GPU-HOURS", "AGE");
        foreach (var job in jobs)
        {
            var s = job.Status;
            table.Add(job.Metadata.Name ?? "", s?.Phase?.ToString() ?? "Pending", Text.Number(s?.BestTrial?.Objective),
                $"{s?.Trials?.Succeeded ?? 0}/{s?.Trials?.Total ?? 0}", GpuHours(s), Text.Age(job.Metadata.CreationTimestamp, now));
        }
        return table.Render();
    }

    /// <summary>The detailed view of one job.</summary>
    public static string RenderJob(FineTuneJob job, IReadOnlyList<Corev1Event> events, DateTimeOffset now)
    {
        var s = job.Status;
        var spec = Text.Defaulted(job.Spec);
        var lines = new List<string>
        {
            $"Name:        {job.Metadata.Name}",
            $"Namespace:   {job.Metadata.NamespaceProperty}",
            $"Phase:       {s?.Phase?.ToString() ?? "Pending (no status yet: is the operator running?)"}",
        };
        if (s?.Message is { Length: > 0 } message)
        {
            lines.Add($"Message:     {message}");
        }

        if (job.Metadata.Generation is { } gen && s?.ObservedGeneration is { } seen && seen < gen)
        {
            lines.Add($"Observed:    generation {seen} of {gen} (the operator has not processed the latest spec yet)");
        }

        lines.Add($"Age:         {Text.Age(job.Metadata.CreationTimestamp, now)}");

        lines.Add("Conditions:");
        if (s?.Conditions is { Count: > 0 } conditions)
        {
            var table = new TextTable("TYPE", "STATUS", "REASON", "AGE", "MESSAGE");
            foreach (var c in conditions)
            {
                table.Add(c.Type, c.Status, c.Reason, Text.Age(c.LastTransitionTime, now), c.Message);
            }

            lines.Add(table.Render("  "));
        }
        else
        {
            lines.Add("  <none>");
        }

        var t = s?.Trials ?? new TrialCounts();
        lines.Add($"Trials:      {t.Total} total: {t.Pending} pending, {t.Running} running, {t.Paused} paused, {t.Succeeded} succeeded, {t.Failed} failed, {t.EarlyStopped} early-stopped");
        var metric = spec.Objective?.Metric ?? FineTuneJobDefaults.ObjectiveMetric;
        if (s?.BestTrial is { } best)
        {
            lines.Add($"Best:        {best.Name} {metric}={Text.Number(best.Objective)} ({Text.Params(best.Params)})");
            if ((best.PromotedUri ?? best.CheckpointUri) is { } uri)
            {
                lines.Add($"Checkpoint:  {uri}");
            }
        }
        else
        {
            lines.Add("Best:        <none yet>");
        }

        var budget = spec.Budget ?? new BudgetSpec();
        lines.Add("Budget:");
        lines.Add($"  trials     {t.Total} created of maxTrials {budget.MaxTrials?.ToString(CultureInfo.InvariantCulture) ?? "?"} (parallelism {budget.Parallelism?.ToString(CultureInfo.InvariantCulture) ?? "?"})");
        lines.Add($"  failed     {t.Failed} of maxFailedTrials {budget.MaxFailedTrials?.ToString(CultureInfo.InvariantCulture) ?? "?"} allowed");
        var used = (s?.GpuSecondsUsed ?? 0) / 3600;
        lines.Add(budget.MaxGpuHours is { } maxGpu
            ? string.Create(CultureInfo.InvariantCulture, $"  GPU-hours  {used:0.###} used, {s?.GpuHoursRemaining ?? maxGpu - used:0.###} left of maxGpuHours {maxGpu:0.###}")
            : string.Create(CultureInfo.InvariantCulture, $"  GPU-hours  {used:0.###} used (no maxGpuHours)"));
        var elapsed = s?.StartTime is { } start ? GoDuration.Format((s.CompletionTime ?? now) - start) : "not started";
        lines.Add(budget.MaxDuration is { } maxDuration && GoDuration.TryParse(maxDuration, out var limit)
            ? $"  elapsed    {elapsed} of maxDuration {GoDuration.Format(limit)}"
            : $"  elapsed    {elapsed} (no maxDuration)");

        lines.Add(events.Count == 0 ? "Events:      <none>" : $"Events (last {events.Count}):");
        if (events.Count > 0)
        {
            var table = new TextTable("AGE", "TYPE", "REASON", "MESSAGE");
            foreach (var e in events)
            {
                var count = e.Count is > 1 and var n ? $" (x{n})" : "";
                table.Add(Text.Age(SweepReader.EventTime(e), now), e.Type ?? "", e.Reason ?? "", (e.Message ?? "") + count);
            }
            lines.Add(table.Render("  "));
        }

        return string.Join('\n', lines);
    }

    private static string GpuHours(FineTuneJobStatus? s)
    {
        var used = (s?.GpuSecondsUsed ?? 0) / 3600;
        var left = s?.GpuHoursRemaining is { } r ? r.ToString("0.##", CultureInfo.InvariantCulture) : "-";
        return used == 0 && s?.GpuHoursRemaining is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{used:0.##}/{left}");
    }
}
