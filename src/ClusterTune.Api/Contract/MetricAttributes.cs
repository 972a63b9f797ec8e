namespace ClusterTune.Api.Contract;

/// <summary>Point-level attribute keys (low cardinality) used with <see cref="MetricNames"/>.</summary>
public static class MetricAttributes
{
    public const string Metric = "metric";
    public const string Split = "split";
    public const string SplitTrain = "train";
    public const string SplitEval = "eval";
    /// <summary>Compute device a trainer runs on ("cpu", "cuda:0"), on step-duration and parameter-count points.</summary>
    public const string Device = "device";
}
