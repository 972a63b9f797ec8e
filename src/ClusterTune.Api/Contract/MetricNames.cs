namespace ClusterTune.Api.Contract;

/// <summary>The one catalog of OpenTelemetry metric names trainers emit (dotted, units in the unit field).</summary>
public static class MetricNames
{
    public const string TrainLoss = "clustertune.train.loss";
    /// <summary>Evaluation metric; the <see cref="MetricAttributes.Metric"/> attribute names it (accuracy, loss, …).</summary>
    public const string EvalMetric = "clustertune.eval.metric";
    public const string TrainStep = "clustertune.train.step";
    public const string TrainEpoch = "clustertune.train.epoch";
    public const string TrainLearningRate = "clustertune.train.learning_rate";
    public const string TrainStepDuration = "clustertune.train.step.duration";
    public const string TrainableParameters = "clustertune.model.trainable_parameters";
    public const string CheckpointSaved = "clustertune.checkpoint.saved";
}
