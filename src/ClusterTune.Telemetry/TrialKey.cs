namespace ClusterTune.Telemetry;

/// <summary>Identifies one trial: the namespace and FineTuneJob it belongs to, and its trial name.</summary>
/// <param name="Namespace">Kubernetes namespace (resource attribute k8s.namespace.name).</param>
/// <param name="Job">FineTuneJob name (resource attribute clustertune.job.name).</param>
/// <param name="Trial">Trial name (resource attribute clustertune.trial.id).</param>
[Orleans.GenerateSerializer, Orleans.Immutable]
public readonly record struct TrialKey(string Namespace, string Job, string Trial)
{
    /// <inheritdoc />
    public override string ToString() => $"{Namespace}/{Job}/{Trial}";
}
