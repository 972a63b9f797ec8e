using ClusterTune.Api.Contract;
using ClusterTune.Api.Meta;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The list form of <see cref="FineTuneJob"/> (what a LIST returns).</summary>
public sealed class FineTuneJobList
{
    public string ApiVersion { get; set; } = ApiGroup.ApiVersion;
    public string Kind { get; set; } = FineTuneJob.KindName + "List";
    public ListMeta Metadata { get; set; } = new();
    public List<FineTuneJob> Items { get; set; } = [];
}
