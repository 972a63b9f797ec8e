using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>Constraints on trials beyond the parameter ranges.</summary>
public sealed class SearchConstraints
{
    [Minimum(0, Exclusive = true), Maximum(1), Description("Most trainable/total parameters a trial may have. Settings above it are never run when the operator knows the architecture; the trainer refuses them otherwise (ConstraintViolated).")]
    public double? MaxTrainableParamsFraction { get; set; }
}
