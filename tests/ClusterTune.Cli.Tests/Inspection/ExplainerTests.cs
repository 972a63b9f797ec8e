using ClusterTune.Api.V1Alpha1;
using ClusterTune.Cli.Commands;
using ClusterTune.Kubernetes;
using k8s;
using k8s.Models;
using static ClusterTune.Cli.Tests.Inspection.Objects;

namespace ClusterTune.Cli.Tests.Inspection;

/// <summary>Table-driven tests of <see cref="Explainer"/>: each case is a sweep state and the words that must explain it.</summary>
public sealed class ExplainerTests
{
    private sealed record Case(FineTuneJob Job, Trial[] Trials, V1Pod[] Pods, Corev1Event[] Events, string[] Expected, string[]? NotExpected = null);

    private const string GpuMessage = "0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.";

    private static readonly Dictionary<string, Func<Case>> Cases = new()
    {
        ["no status"] = () => new(Job(configure: j => j.Status = null), [], [], [],
            ["job demo has no status yet", "operator is running"]),

        ["status behind the spec"] = () => new(Job(configure: j => j.Metadata.Generation = 3), [], [], [],
            ["generation 1 but the spec is at generation 3"]),

        ["spec invalid: each field error on its own line"] = () => new(Job(configure: j =>
            {
                j.Status!.Phase = FineTuneJobPhase.Failed;
                SetCondition(j, ConditionTypes.Validated, false, ConditionReasons.SpecInvalid,
                    "spec.searchSpace.lrFactor.min: must be > 0 for log scale, got 0; set min to a positive value such as 0.001, or use scale: linear; " +
                    "spec.budget.maxGpuHours: needs GPUs in trainer.resources; add nvidia.com/gpu to spec.trainer.resources.limits");
                SetCondition(j, ConditionTypes.Failed, true, ConditionReasons.SpecInvalid, "the spec is invalid; fix it and the sweep starts");
            }), [], [], [],
            [
                "spec is invalid (Validated=False, SpecInvalid)",
                "  spec.searchSpace.lrFactor.min: must be > 0 for log scale, got 0; set min to a positive value such as 0.001, or use scale: linear",
                "  spec.budget.maxGpuHours: needs GPUs in trainer.resources; add nvidia.com/gpu to spec.trainer.resources.limits",
            ],
            ["job demo failed"]),

        ["suspended"] = () => new(Job(configure: j =>
            {
                j.Spec.Suspend = true;
                j.Status!.Phase = FineTuneJobPhase.Suspended;
                SetCondition(j, ConditionTypes.Suspended, true, ConditionReasons.SuspendRequested, "spec.suspend is true");
            }), [], [], [],
            ["job demo is suspended (spec.suspend: true)", "\"suspend\":false"]),

        ["complete with the trial budget exhausted"] = () => new(Job(configure: j =>
            {
                j.Status!.Phase = FineTuneJobPhase.Succeeded;
                j.Status.Trials = new TrialCounts { Succeeded = 4, Total = 4 };
                j.Status.BestTrial = new BestTrial { Name = "demo-2", Objective = 0.93 };
                SetCondition(j, ConditionTypes.Complete, true, ConditionReasons.MaxTrialsReached, "4 trials created (budget.maxTrials)");
                SetCondition(j, ConditionTypes.BudgetExhausted, true, ConditionReasons.MaxTrialsReached, "budget.maxTrials 4 reached");
            }), [], [], [],
            ["job demo is complete (MaxTrialsReached)", "best trial demo-2 (accuracy 0.93)", "budget exhausted (MaxTrialsReached): budget.maxTrials 4 reached (4 of spec.budget.maxTrials 4 created)"]),

        ["GPU-hours exhausted"] = () => new(Job(configure: j =>
            {
                j.Status!.GpuSecondsUsed = 7200;
                j.Status.GpuHoursRemaining = 0;
                SetCondition(j, ConditionTypes.BudgetExhausted, true, ConditionReasons.MaxGpuHoursReached, "budget.maxGpuHours 2 reached");
            }), [], [], [],
            ["budget exhausted (MaxGpuHoursReached)", "2 GPU-hours used of spec.budget.maxGpuHours 2"]),

        ["failed: too many failed trials"] = () => new(Job(configure: j =>
            {
                j.Status!.Phase = FineTuneJobPhase.Failed;
                j.Status.Trials = new TrialCounts { Failed = 4, Total = 4 };
                SetCondition(j, ConditionTypes.Failed, true, ConditionReasons.MaxFailedTrialsReached, "4 trials failed");
            }),
            [Trial("demo", 0, TrialPhase.Failed, s => { s.Reason = TrialReasons.TrainerError; s.Message = "the trainer exited with code 1: CUDA error"; })], [], [],
            ["job demo failed (MaxFailedTrialsReached): 4 trials failed", "more than spec.budget.maxFailedTrials (3)", "trial demo-0 failed (TrainerError)", "ctune logs demo-0 --attempt 1"]),

        ["pending: unschedulable for lack of GPUs"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Pending)], [Pod("demo-0-1", PodPhases.Pending, p => Unschedulable(p, GpuMessage))], [],
            [$"trial demo-0 is Pending: pod demo-0-1 cannot be scheduled (Unschedulable): {GpuMessage}", "no node has 1 free nvidia.com/gpu", "spec.budget.parallelism (now 2)"]),

        ["pending: untolerated taint and node selector"] = () => new(Job(configure: j => j.Spec.Trainer.NodeSelector = new() { ["pool"] = "a100" }), [Trial("demo", 0, TrialPhase.Pending)],
            [Pod("demo-0-1", PodPhases.Pending, p => Unschedulable(p, "0/2 nodes are available: 1 node(s) had untolerated taint {nvidia.com/gpu: present}, 1 node(s) didn't match Pod's node affinity/selector."))], [],
            ["spec.trainer.tolerations", "no node matches spec.trainer.nodeSelector (pool=a100)"]),

        ["pending: the only node is not Ready yet"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Pending)],
            [Pod("demo-0-1", PodPhases.Pending, p => Unschedulable(p, "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }."))], [],
            ["the nodes are not Ready", "kubectl get nodes"], ["spec.trainer.tolerations"]),

        ["pending: bound but never started"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Pending)],
            [Pod("demo-0-1", PodPhases.Pending, p => { p.Spec!.NodeName = "gpu-node-7"; p.Status!.Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "True" }]; })], [],
            ["pod demo-0-1 was bound to node gpu-node-7 20m ago but the node has not started it", "kubectl get node gpu-node-7"], ["progressing normally"]),

        ["pending: only a FailedScheduling event"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Pending)], [Pod("demo-0-1", PodPhases.Pending)],
            [Event("Pod", "demo-0-1", "FailedScheduling", "0/1 nodes are available: 1 Insufficient memory.", Now.AddMinutes(-1), "Warning")],
            ["pod demo-0-1 cannot be scheduled: 0/1 nodes are available: 1 Insufficient memory.", "lack CPU or memory"]),

        ["pending: no scheduler at all"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Pending)], [Pod("demo-0-1", PodPhases.Pending)], [],
            ["no scheduler has reported on it"]),

        ["pending: pod not created yet"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Pending, s => { s.PodName = null; s.Attempts = 0; })], [], [],
            ["has not created its pod yet"]),

        ["pending: image pull back-off"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Pending)],
            [Pod("demo-0-1", PodPhases.Pending, p => { p.Spec!.Containers[0].Image = "ghcr.io/clustertune/trainer:typo"; Waiting(p, "ImagePullBackOff", "Back-off pulling image \"ghcr.io/clustertune/trainer:typo\""); })], [],
            ["cannot pull its image ghcr.io/clustertune/trainer:typo (ImagePullBackOff", "check spec.trainer.image"]),

        ["failed: image pull"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Failed, s => { s.Reason = TrialReasons.ImagePullFailed; s.Message = "ErrImagePull: manifest unknown"; })], [], [],
            ["trial demo-0 failed (ImagePullFailed): ErrImagePull: manifest unknown", "image ghcr.io/clustertune/trainer:1.0 cannot be pulled"]),

        ["failed: local image without a command"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Failed, s => { s.Reason = TrialReasons.ImagePullFailed; s.Message = "image of pod demo-0-1 cannot be pulled (ErrImageNeverPull): image \"trainer:1\" has no local command"; })], [], [],
            ["trial demo-0 failed (ImagePullFailed)", "set spec.trainer.command, or give the node an image command (ctune node --image-command IMAGE=CMD)"]),

        ["pending: container creating for long"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Pending)], [Pod("demo-0-1", PodPhases.Pending, p => Waiting(p, "ContainerCreating", "mounting checkpoints"))], [],
            ["pod demo-0-1 on node gpu-node-1 has waited 18m to start (ContainerCreating: mounting checkpoints)"]),

        ["paused waiting for promotion"] = () => new(Job(configure: j => j.Spec.EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Asha, Mode = EarlyStoppingMode.Promote }),
            [Trial("demo", 0, TrialPhase.Paused, s => { s.Epoch = 1; s.Reason = TrialReasons.PausedAtRung; })], [], [],
            ["trial demo-0 is paused at rung 0 after 1 epochs with a checkpoint, waiting for promotion", "top 1/3", "not an error"]),

        ["paused after the sweep ended"] = () => new(Job(configure: j => SetCondition(j, ConditionTypes.Complete, true, ConditionReasons.NotImproving, "3 trials without a new best")),
            [Trial("demo", 0, TrialPhase.Paused, s => s.Epoch = 1)], [], [],
            ["is complete (NotImproving)", "the sweep has ended, so it will not be promoted"]),

        ["failed: OOM"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Failed, s =>
            {
                s.Reason = TrialReasons.OutOfMemory;
                s.Message = "pod demo-0-1 was OOM-killed; raise trainer.resources.limits.memory or lower trainer.batchSize (retryPolicy.retryOnOom retries it unchanged)";
            })], [], [],
            ["trial demo-0 failed (OutOfMemory): pod demo-0-1 was OOM-killed", "raise spec.trainer.resources.limits.memory (now 4Gi) or lower spec.trainer.batchSize (now 64)", "retryPolicy.retryOnOom: true (now false)"]),

        ["running without heartbeat"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Running, s => { s.StartTime = Now.AddMinutes(-20); s.LastHeartbeat = Now.AddMinutes(-15); s.Epoch = 1; })],
            [Pod("demo-0-1", PodPhases.Running)], [],
            ["trial demo-0 is Running but has sent no metrics for 15m (retryPolicy.heartbeatTimeout 10m0s)", "attempt 1 of 3", "ctune logs demo-0"]),

        ["running, never a heartbeat"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Running, s => s.StartTime = Now.AddMinutes(-12))], [Pod("demo-0-1", PodPhases.Running)], [],
            ["has sent no metrics since it started 12m"]),

        ["running with a fresh heartbeat"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Running, s => { s.StartTime = Now.AddMinutes(-20); s.LastHeartbeat = Now.AddSeconds(-30); s.Epoch = 2; })],
            [Pod("demo-0-1", PodPhases.Running)], [],
            ["progressing normally: demo-0 (Running, epoch 2/3, last metric 30s ago)"], ["no metrics"]),

        ["stopped by ASHA (one trial)"] = () => new(Job(), [Trial("demo", 1, TrialPhase.EarlyStopped, s => { s.Epoch = 1; s.Reason = TrialReasons.EarlyStopped; })], [],
            [Event("FineTuneJob", "demo", EventReasons.TrialStopped, "trial demo-1 stopped: rung 0 (1 epochs): 0.41 is not in the top 1/3 (cutoff 0.62)", Now.AddMinutes(-3))],
            ["trial demo-1 was stopped early at epoch 1/3 by ASHA: rung 0 (1 epochs): 0.41 is not in the top 1/3 (cutoff 0.62)", "not a failure"]),

        ["stopped by ASHA (whole sweep)"] = () => new(Job(),
            [
                Trial("demo", 0, TrialPhase.Succeeded, s => s.Objective = 0.9),
                Trial("demo", 1, TrialPhase.EarlyStopped, s => s.Reason = TrialReasons.EarlyStopped),
                Trial("demo", 2, TrialPhase.EarlyStopped, s => s.Reason = TrialReasons.EarlyStopped),
            ], [], [],
            ["1 trial(s) succeeded", "2 trial(s) stopped early by ASHA (the search working, not failures): demo-1, demo-2"], ["trial demo-1 was stopped"]),

        ["stopped because the sweep ended"] = () => new(Job(), [Trial("demo", 0, TrialPhase.EarlyStopped, s => { s.Epoch = 2; s.Reason = TrialReasons.JobEnded; })], [], [],
            ["trial demo-0 was stopped at epoch 2/3 because the sweep ended"]),

        ["stopping on request"] = () => new(Job(), [Stopping(Trial("demo", 0, TrialPhase.Running, s => s.LastHeartbeat = Now))], [Pod("demo-0-1", PodPhases.Running)], [],
            ["trial demo-0 is stopping (spec.stop: true)"]),

        ["retry after eviction"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Pending, s =>
            {
                s.Attempts = 2; s.PodName = "demo-0-2"; s.Reason = TrialReasons.Evicted;
                s.Message = "pod demo-0-1 was evicted: The node was low on resource: memory.; retrying as attempt 2";
            })], [Pod("demo-0-2", PodPhases.Pending, p => Waiting(p, "ContainerCreating", ""))], [],
            ["trial demo-0 is on attempt 2 of 3 (retryPolicy.maxAttempts): the previous attempt ended with Evicted (pod demo-0-1 was evicted"]),

        ["retry waiting out its backoff"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Running, s =>
            {
                s.Attempts = 1; s.PodName = "demo-0-1"; s.Reason = TrialReasons.CheckpointWriteFailed;
                s.Message = "pod demo-0-1 could not write its checkpoint (exit 74): no space left on device; retrying as attempt 2 at 06:00:10 UTC (10s after it ended, retryPolicy.backoff)";
            })], [Pod("demo-0-1", PodPhases.Failed)], [],
            ["trial demo-0: attempt 1 of 3 ended (CheckpointWriteFailed) and the next waits (retryPolicy.backoff): pod demo-0-1 could not write its checkpoint", "retrying as attempt 2 at 06:00:10 UTC"]),

        ["retry known only from events"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Running, s => { s.Attempts = 2; s.PodName = "demo-0-2"; s.Reason = TrialReasons.PodRunning; s.LastHeartbeat = Now; })],
            [Pod("demo-0-2", PodPhases.Running)],
            [Event("Trial", "demo-0", EventReasons.TrialRetried, "the node of pod demo-0-1 was lost; retrying as attempt 2", Now.AddMinutes(-4), "Warning")],
            ["attempt 2 of 3 (retryPolicy.maxAttempts): the previous attempt ended with the node of pod demo-0-1 was lost"]),

        ["retries exhausted"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Failed, s =>
            {
                s.Attempts = 3; s.PodName = "demo-0-3"; s.Reason = TrialReasons.RetriesExhausted;
                s.Message = "pod demo-0-3 was evicted; 3 attempt(s) used, retryPolicy.maxAttempts is 3";
            })], [], [],
            ["trial demo-0 failed (RetriesExhausted)", "all 3 attempt(s) allowed by retryPolicy.maxAttempts (3)", "kubectl describe pod demo-0-3"]),

        ["failed: deadline"] = () => new(Job(configure: j => j.Spec.Budget!.TrialDeadline = "30m"), [Trial("demo", 0, TrialPhase.Failed, s => { s.Reason = TrialReasons.DeadlineExceeded; s.Message = "attempt ran longer than budget.trialDeadline 30m"; })], [], [],
            ["spec.budget.trialDeadline (30m): raise it"]),

        ["failed: invalid objective"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Failed, s => { s.Reason = TrialReasons.InvalidObjective; s.Message = "objective NaN"; })], [], [],
            ["no finite 'accuracy'", "smaller lrFactor"]),

        ["no trials yet"] = () => new(Job(configure: j => SetCondition(j, ConditionTypes.Running, true, ConditionReasons.WaitingForTrials, "planning the first trials")), [], [], [],
            ["job demo has created no trials yet (Running=True, WaitingForTrials: planning the first trials)"]),

        ["constraint skips counted before start"] = () => new(Job(configure: j => j.Status!.Constraints = new ConstraintStatus
        {
            CheckedBeforeStart = true,
            Settings = 9,
            InfeasibleSettings = 5,
            Message = "5 of 9 (freezeDepth, loraRank, loraTargets) settings exceed maxTrainableParamsFraction 0.1 and are never run",
        }), [], [], [],
            ["constraint skips: 5 of 9", "raise spec.searchSpace.constraints.maxTrainableParamsFraction to run them"]),

        ["constraint left to the trainer"] = () => new(Job(configure: j => j.Status!.Constraints = new ConstraintStatus
        {
            CheckedBeforeStart = false,
            Message = "maxTrainableParamsFraction 0.1 is enforced by the trainer only",
        }), [], [], [],
            ["constraint not checked before start", "fails them with ConstraintViolated"], ["constraint skips"]),

        ["repeats on purpose with seedsPerConfig"] = () => new(Job(configure: j =>
            {
                j.Spec.Algorithm = new AlgorithmSpec { SeedsPerConfig = 3 };
                j.Status!.BestTrial = new BestTrial { Name = "demo-0", Objective = 0.92, ObjectiveMean = 0.9, ObjectiveStdDev = 0.02, Seeds = 3 };
            }), [Trial("demo", 0, TrialPhase.Succeeded), Trial("demo", 1, TrialPhase.Succeeded)], [], [],
            ["repeats on purpose: algorithm.seedsPerConfig is 3", "best setting 0.9 ± 0.02 over 3 seed(s)"]),

        ["accidental repeats are named"] = () => new(Job(), [Trial("demo", 0, TrialPhase.Succeeded), Trial("demo", 1, TrialPhase.Succeeded), Trial("demo", 3, TrialPhase.Succeeded)], [], [],
            ["repeats: 1 trial(s) repeat a setting already tried, e.g. demo-0, demo-3"]),

        ["many failing trials are capped"] = () => new(Job(),
            Enumerable.Range(0, Explainer.MaxTrialLines + 5).Select(i => Trial("demo", i, TrialPhase.Failed, s => { s.Reason = TrialReasons.TrainerError; s.Message = "boom"; })).ToArray(), [], [],
            ["... and 5 more trial(s) with findings"]),
    };

    private static Trial Stopping(Trial trial)
    {
        trial.Spec.Stop = true;
        return trial;
    }

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Explains(string name)
    {
        var c = Cases[name]();
        var lines = Explainer.Explain(c.Job, c.Trials, c.Pods, c.Events, Now);
        var text = string.Join("\n", lines);
        foreach (var expected in c.Expected)
        {
            Assert.True(text.Contains(expected, StringComparison.Ordinal), $"expected '{expected}' in:\n{text}");
        }

        foreach (var unexpected in c.NotExpected ?? [])
        {
            Assert.False(text.Contains(unexpected, StringComparison.Ordinal), $"did not expect '{unexpected}' in:\n{text}");
        }
    }

    [Theory]
    [InlineData("spec.a: p; f", new[] { "spec.a: p; f" })]
    [InlineData("spec.a: p; f; x; spec.b[0].c: q; g", new[] { "spec.a: p; f; x", "spec.b[0].c: q; g" })]
    [InlineData("metadata.name: too long; use 63 characters\nspec.budget.maxTrials: must be ≥ 1; set 1 or more", new[] { "metadata.name: too long; use 63 characters", "spec.budget.maxTrials: must be ≥ 1; set 1 or more" })]
    [InlineData("", new[] { "(the condition carries no message)" })]
    public void SplitsFieldErrors(string message, string[] expected) => Assert.Equal(expected, Explainer.SplitFieldErrors(message));
}
