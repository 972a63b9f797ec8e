using System.ComponentModel;
using System.Text.Json.Serialization;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>Makes a parameter active only when another parameter equals a value or is in a set (e.g. loraAlpha only when loraRank in [4, 8]).</summary>
public sealed class ParameterCondition
{
    [RequiredField, Description("Name of the parameter this one depends on.")]
    public string Parameter { get; set; } = "";

    /// <summary>Active when the parent parameter equals this value (JSON "equals").</summary>
    [JsonPropertyName("equals"), Description("Active when the parent parameter equals this value.")]
    public ParamValue? EqualTo { get; set; }

    [JsonPropertyName("in"), MaxItems(256), Description("Active when the parent parameter is one of these values.")]
    public List<ParamValue>? In { get; set; }
}
