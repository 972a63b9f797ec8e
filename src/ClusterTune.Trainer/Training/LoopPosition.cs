namespace ClusterTune.Trainer.Training;

/// <summary>Where training stands: optimizer steps done, epochs completed, next batch within the current epoch.</summary>
public sealed record LoopPosition(long Step, int Epoch, int BatchInEpoch);
