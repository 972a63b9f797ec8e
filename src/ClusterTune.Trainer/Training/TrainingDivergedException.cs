namespace ClusterTune.Trainer.Training;

/// <summary>The loss became NaN or infinite; the trial fails with this message.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
