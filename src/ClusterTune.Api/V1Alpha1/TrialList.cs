using ClusterTune.Api.Contract;
using ClusterTune.Api.Meta;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The list form of <see cref="Trial"/> (what a LIST returns).</summary>
public sealed class TrialList
{
    public string ApiVersion { get; set; } = ApiGroup.ApiVersion;
    public string Kind { get; set; } = Trial.KindName + "List";
    public ListMeta Metadata { get; set; } = new();
    public List<Trial> Items { get; set; } = [];
}
