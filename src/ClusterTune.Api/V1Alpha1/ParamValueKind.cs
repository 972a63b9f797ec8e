namespace ClusterTune.Api.V1Alpha1;

/// <summary>The JSON type of a <see cref="ParamValue"/>.</summary>
public enum ParamValueKind
{
    Number,
    String,
    Boolean,
}
