using ClusterTune.Api.Contract;
using k8s;
using k8s.Models;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The list form of <see cref="Trial"/> (what a LIST returns).</summary>
public sealed class TrialList : IKubernetesObject<V1ListMeta>, IItems<Trial>
{
    public string ApiVersion { get; set; } = ApiGroup.ApiVersion;
    public string Kind { get; set; } = Trial.KindName + "List";
    public V1ListMeta Metadata { get; set; } = new();
    public IList<Trial> Items { get; set; } = [];
}
