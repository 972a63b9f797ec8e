namespace ClusterTune.Api.V1Alpha1;

/// <summary>Finalizer names ClusterTune puts on its objects.</summary>
public static class Finalizers
{
    /// <summary>On a FineTuneJob: delete its pods (and checkpoints per spec.checkpoints.deletePolicy) before it goes.</summary>
    public const string Cleanup = "clustertune.io/cleanup";
}
