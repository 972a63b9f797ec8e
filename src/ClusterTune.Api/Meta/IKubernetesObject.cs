namespace ClusterTune.Api.Meta;

/// <summary>Any Kubernetes object: apiVersion, kind and metadata.</summary>
public interface IKubernetesObject
{
    string ApiVersion { get; set; }
    string Kind { get; set; }
    ObjectMeta Metadata { get; set; }
}
