namespace ClusterTune.Trainer.Training;

/// <summary>Shape of the learning rate after warm-up.</summary>
public enum LrDecay
{
    Constant,
    Linear,
    Cosine,
}
