using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using k8s;
using k8s.Models;

namespace ClusterTune.Cli.Commands;

/// <summary>`ctune explain JOB|TRIAL`: why a sweep or a trial is not progressing, in plain words (see <see cref="Explainer"/>).</summary>
internal static class ExplainCommand
{
    public const string Usage = """
        usage: ctune explain JOB|TRIAL [--kubeconfig PATH] [--context NAME] [-n NAMESPACE]
          says why the FineTuneJob (or one Trial) is not progressing: invalid spec, suspended, budget, unschedulable
          or failing pods, OOM, missing heartbeats, early stopping, retries. A name that is both a job and a
          trial explains the job.
        exit: 0 ok, 1 not found or Failed, 2 bad usage
        """;

    /// <summary>Pods of non-running trials whose events are fetched (one list each); bounds the calls on a big sweep.</summary>
    private const int MaxPodEventLookups = 10;

    /// <summary>Runs the command; returns the exit code.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter @out, TextWriter err, CancellationToken ct) =>
        CommandRunner.RunAsync("explain", Usage, args, [], [], err, async (a, c) =>
        {
            var name = a.Single("JOB or TRIAL");
            var reader = new SweepReader(c.Client, c.Namespace);
            var job = await reader.TryGetJobAsync(name, ct);
            Trial? only = null;
            if (job is null)
            {
                only = await reader.TryGetTrialAsync(name, ct);
                if (only is null)
                {
                    await err.WriteLineAsync($"ctune explain: no FineTuneJob or Trial named {name} in namespace {c.Namespace}; list jobs with `ctune status -n {c.Namespace}`");
                    return 1;
                }
                job = await reader.TryGetJobAsync(only.Spec.JobName, ct);
                if (job is null)
                {
                    await err.WriteLineAsync($"ctune explain: trial {name} belongs to FineTuneJob {only.Spec.JobName}, which no longer exists (it is being deleted with its job)");
                    return 1;
                }
            }

            var jobName = job.Metadata.Name!;
            IReadOnlyList<Trial> trials = only is null ? await reader.TrialsAsync(jobName, ct) : [only];
            var pods = (await reader.PodsAsync(jobName, ct)).Where(p => trials.Any(t => t.Status?.PodName == p.Metadata.Name)).ToList();
            var events = new List<Corev1Event>(await reader.EventsAsync(FineTuneJob.KindName, jobName, ct));
            if (only is not null)
            {
                events.AddRange(await reader.EventsAsync(Trial.KindName, name, ct));
            }
            else
            {
                var names = trials.Select(t => t.Metadata.Name).ToHashSet(StringComparer.Ordinal);
                events.AddRange((await reader.EventsAsync(Trial.KindName, ct)).Where(e => names.Contains(e.InvolvedObject.Name)));
            }
            // Scheduler events matter only for pods that have not started (FailedScheduling when there is no condition yet).
            foreach (var pod in pods.Where(p => p.Status?.Phase is null or PodPhases.Pending).Take(MaxPodEventLookups))
            {
                events.AddRange(await reader.EventsAsync("Pod", pod.Metadata.Name!, ct));
            }

            foreach (var line in Explainer.Explain(job, trials, pods, events, DateTimeOffset.UtcNow))
            {
                await @out.WriteLineAsync(line);
            }

            var failed = only is null ? job.Status?.Phase == FineTuneJobPhase.Failed : only.Status?.Phase == TrialPhase.Failed;
            return failed ? 1 : 0;
        });
}
