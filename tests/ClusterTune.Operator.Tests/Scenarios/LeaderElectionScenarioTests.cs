using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>Fault matrix rows 7 and 8: two replicas started together, exactly one acts; when it goes, the other takes over.</summary>
public sealed class LeaderElectionScenarioTests
{
    [Fact]
    public async Task TwoReplicasShareOneLeaseAndTheSweepSurvivesTheLeaderGoing()
    {
        await using var h = await SweepHarness.StartAsync();
        var a = Replica(h, "replica-a", out var runA, out var stopA);
        var b = Replica(h, "replica-b", out var runB, out var stopB);
        try
        {
            await h.WaitUntilAsync(() => Task.FromResult(a.IsLeader || b.IsLeader), "a leader");
            await Task.Delay(500);
            Assert.True(a.IsLeader ^ b.IsLeader, "exactly one replica leads");
            var (leader, follower, stopLeader, runLeader) = a.IsLeader ? (a, b, stopA, runA) : (b, a, stopB, runB);

            await h.Client.CreateAsync(SweepHarness.GridJob("ha", [0.01, 0.1, 1.0], [0L, 1L], epochs: 4, epochSeconds: 0.3));
            await h.WaitUntilAsync(async () => (await h.TrialsAsync("ha")).Any(t => t.Status?.Phase == TrialPhase.Running), "a trial runs");
            Assert.Equal(0, follower.Writes);

            // The leader shuts down (releasing the Lease); the follower takes over within about a second.
            await stopLeader.CancelAsync();
            await runLeader.WaitAsync(TimeSpan.FromSeconds(20));
            await h.WaitUntilAsync(() => Task.FromResult(follower.IsLeader), "the follower leads", TimeSpan.FromSeconds(20));

            var job = await h.WaitForJobAsync("ha", SweepHarness.Finished);
            Assert.Equal(FineTuneJobPhase.Succeeded, job.Status!.Phase);
            Assert.Equal(6, job.Status.Trials!.Succeeded);
            var pods = await h.PodsAsync("ha");
            Assert.Equal(6, pods.Count);
            Assert.True(follower.Writes > 0);
        }
        finally
        {
            await stopA.CancelAsync();
            await stopB.CancelAsync();
            await Task.WhenAll(runA, runB).WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(_ => { }, TaskScheduler.Default);
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    private static OperatorHost Replica(SweepHarness h, string identity, out Task run, out CancellationTokenSource stop)
    {
        var host = new OperatorHost(KubeConnection.ForServer(h.Server.BaseAddress), new OperatorOptions
        {
            CheckpointRoot = h.CheckpointRoot,
            OtlpEndpoint = "http://127.0.0.1:1",
            TerminationGracePeriodSeconds = 5,
            LeaseNamespace = "default",
            Identity = identity,
        }, NullLoggerFactory.Instance);
        stop = new CancellationTokenSource();
        run = host.RunAsync(stop.Token);
        return host;
    }
}
