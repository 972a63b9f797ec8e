using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>One search dimension: a numeric range (int/float, linear or log) or a list of categorical values.</summary>
public sealed class ParameterSpec
{
    [RequiredField, Description("int, float or categorical.")]
    public ParameterType? Type { get; set; }

    [Description("Lower bound, inclusive (int and float).")]
    public double? Min { get; set; }

    [Description("Upper bound, inclusive (int and float).")]
    public double? Max { get; set; }

    [Description("linear (default) or log; log needs min > 0.")]
    public ParameterScale? Scale { get; set; }

    [Minimum(0, Exclusive = true), Description("Grid spacing on a linear scale (int default 1); required for float ranges under the grid algorithm.")]
    public double? Step { get; set; }

    [MaxItems(256), Description("The choices of a categorical parameter (numbers, strings or booleans).")]
    public List<ParamValue>? Values { get; set; }

    [Description("Sample this parameter only when another parameter has a given value (otherwise it is left out).")]
    public ParameterCondition? Condition { get; set; }
}
