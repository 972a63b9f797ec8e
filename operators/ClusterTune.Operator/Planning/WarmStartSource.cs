using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Operator.Planning;

/// <summary>A job named in spec.warmStartFrom as the caches hold it: the job (null when it does not exist) and its Trials.</summary>
public sealed record WarmStartSource(string Name, FineTuneJob? Job, IReadOnlyList<Trial> Trials);
