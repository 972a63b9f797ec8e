using ClusterTune.Api.Contract;
using k8s;
using k8s.Models;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The list form of <see cref="FineTuneJob"/> (what a LIST returns).</summary>
public sealed class FineTuneJobList : IKubernetesObject<V1ListMeta>, IItems<FineTuneJob>
{
    public string ApiVersion { get; set; } = ApiGroup.ApiVersion;
    public string Kind { get; set; } = FineTuneJob.KindName + "List";
    public V1ListMeta Metadata { get; set; } = new();
    public IList<FineTuneJob> Items { get; set; } = [];
}
