using System.Net;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Planning;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ClusterTune.Cli.Commands;

/// <summary>`ctune logs TRIAL [--attempt N] [--tail N] [-f]`: the trainer output of a trial's current (or an earlier) pod.</summary>
internal static class LogsCommand
{
    public const string Usage = """
        usage: ctune logs TRIAL [--attempt N] [--tail N] [-f] [--kubeconfig PATH] [--context NAME] [-n NAMESPACE]
          --attempt N  the pod of attempt N (1 = the first pod; default: the trial's current pod, status.podName)
          --tail N     only the last N lines
          -f, --follow keep streaming until the pod ends (Ctrl-C stops)
        exit: 0 ok, 1 trial, pod or log not found, 2 bad usage
        """;

    /// <summary>Runs the command; returns the exit code.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter @out, TextWriter err, CancellationToken ct) =>
        CommandRunner.RunAsync("logs", Usage, args, ["--attempt", "--tail"], ["-f", "--follow"], err, async (a, c) =>
        {
            var name = a.Single("TRIAL");
            var attempt = a.Int("--attempt", 1);
            var tail = a.Int("--tail", 0);
            var follow = a.Has("-f") || a.Has("--follow");
            var trial = await new SweepReader(c.Client, c.Namespace).TryGetTrialAsync(name, ct);
            if (trial is null)
            {
                var hint = ResourceNames.IsDns1123Label(name) && name.LastIndexOf('-') is > 0 and var dash
                    ? $"; list the trials of a job with `ctune trials {name[..dash]}`"
                    : "; list the trials of a job with `ctune trials JOB`";
                await err.WriteLineAsync($"ctune logs: Trial {name} not found in namespace {c.Namespace}{hint}");
                return 1;
            }

            var attempts = trial.Status?.Attempts ?? 0;
            string pod;
            if (attempt is { } n)
            {
                if (n > attempts)
                {
                    await err.WriteLineAsync($"ctune logs: trial {name} has had {attempts} attempt(s); pass --attempt 1..{Math.Max(1, attempts)}");
                    return 1;
                }
                pod = ResourceNames.Pod(trial.Spec.JobName, trial.Spec.Index, n);
            }
            else if (trial.Status?.PodName is { } current)
            {
                pod = current;
            }
            else
            {
                await err.WriteLineAsync($"ctune logs: trial {name} has no pod yet (phase {trial.Status?.Phase?.ToString() ?? "Pending"}, reason {trial.Status?.Reason ?? "none"}); `ctune explain {name}` says why");
                return 1;
            }

            try
            {
                await using var stream = await c.Client.CoreV1.ReadNamespacedPodLogAsync(pod, c.Namespace, container: PodTemplate.ContainerName,
                    follow: follow, tailLines: tail, cancellationToken: ct);
                using var reader = new StreamReader(stream);
                var buffer = new char[8192];
                int read;
                while ((read = await reader.ReadAsync(buffer, ct)) > 0)
                {
                    await @out.WriteAsync(buffer.AsMemory(0, read), ct);
                    await @out.FlushAsync(ct);
                }
                return 0;
            }
            catch (HttpOperationException e) when (e.IsNotFound())
            {
                await err.WriteLineAsync($"ctune logs: pod {pod} of trial {name} no longer exists (pods are deleted with their trial or by cleanup); its logs are gone");
                return 1;
            }
            catch (HttpOperationException e) when (e.StatusCode() == HttpStatusCode.BadRequest)
            {
                await err.WriteLineAsync($"ctune logs: no logs for pod {pod} of trial {name}: {e.Status()?.Message ?? e.Describe()}");
                return 1;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested && follow)
            {
                return 0;
            }
        });
}
