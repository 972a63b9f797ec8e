namespace ClusterTune.Api.Contract;

/// <summary>OTLP resource attribute keys: OpenTelemetry k8s semantic conventions plus ClusterTune's own namespace.</summary>
public static class ResourceAttributes
{
    public const string ServiceName = "service.name";
    public const string ServiceInstanceId = "service.instance.id";
    public const string K8sNamespaceName = "k8s.namespace.name";
    public const string K8sPodName = "k8s.pod.name";
    public const string K8sPodUid = "k8s.pod.uid";
    public const string K8sNodeName = "k8s.node.name";
    public const string K8sContainerName = "k8s.container.name";
    public const string JobName = "clustertune.job.name";
    public const string TrialName = "clustertune.trial.id";
    public const string TrialIndex = "clustertune.trial.index";
    /// <summary>The pod attempt (1-based): tells a retried trainer's points from the first pod's.</summary>
    public const string TrialAttempt = "clustertune.trial.attempt";
    /// <summary>Prefix of hyperparameter attributes: clustertune.param.&lt;name&gt;.</summary>
    public const string ParamPrefix = "clustertune.param.";
    public const string TrainerServiceName = "clustertune-trainer";
}
