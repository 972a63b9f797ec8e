using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Operator.Planning;

/// <summary>Everything <see cref="JobPlanner.Plan"/> decides from: the job, its Trials, the time and the GPU use of running pods.</summary>
/// <param name="Job">The FineTuneJob as read (spec not yet defaulted).</param>
/// <param name="Trials">Every Trial the job owns, any order.</param>
/// <param name="Now">The current time (injected).</param>
/// <param name="RunningGpuSeconds">GPU-seconds of attempts still running (GPUs × seconds since their pods started).</param>
/// <param name="DefaultCheckpointRoot">The operator's --checkpoint-root, used when spec.checkpoints.storageRoot is absent.</param>
/// <param name="Options">The operator's options, whose pod policy (<see cref="TrialPodPolicy"/>) a valid spec must also pass.</param>
/// <param name="WarmStart">The jobs named in spec.warmStartFrom with their Trials (<see cref="WarmStartHistory"/>).</param>
public sealed record JobPlanInput(FineTuneJob Job, IReadOnlyList<Trial> Trials, DateTimeOffset Now, double RunningGpuSeconds, string DefaultCheckpointRoot,
    OperatorOptions Options, IReadOnlyList<WarmStartSource>? WarmStart = null);
