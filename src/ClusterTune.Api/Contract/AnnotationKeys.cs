namespace ClusterTune.Api.Contract;

/// <summary>Kubernetes annotation keys ClusterTune puts on the objects it creates.</summary>
public static class AnnotationKeys
{
    /// <summary>
    /// Lowercase hex SHA-256 of the trial pod's token: the OTLP receiver checks tokens against it, so validation never
    /// reads Secrets and the pod spec never holds the token itself.
    /// </summary>
    public const string TokenSha256 = "clustertune.io/token-sha256";
}
