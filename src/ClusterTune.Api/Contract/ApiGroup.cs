namespace ClusterTune.Api.Contract;

/// <summary>ClusterTune's API group and version.</summary>
public static class ApiGroup
{
    public const string Group = "clustertune.io";
    public const string Version = "v1alpha1";
    public const string ApiVersion = Group + "/" + Version;
}
