using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>Constraints on trials beyond the parameter ranges.</summary>
public sealed class SearchConstraints
{
    [Minimum(0, Exclusive = true), Maximum(1), Description("A trial whose trainable/total parameter fraction exceeds this fails with reason ConstraintViolated.")]
    public double? MaxTrainableParamsFraction { get; set; }
}
