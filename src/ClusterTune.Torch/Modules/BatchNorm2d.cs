namespace ClusterTune.Torch.Modules;

/// <summary>Batch norm over NCHW channels with "weight", "bias" and buffers "running_mean", "running_var", "num_batches_tracked".</summary>
public sealed class BatchNorm2d : Module
{
    /// <summary>Creates the layer (weight 1, bias 0, running mean 0, running variance 1).</summary>
    public BatchNorm2d(long numFeatures, double eps = 1e-5, double momentum = 0.1)
    {
        Eps = eps;
        Momentum = momentum;
        Weight = RegisterParameter("weight", Tensor.Ones([numFeatures]));
        Bias = RegisterParameter("bias", Tensor.Zeros([numFeatures]));
        RunningMean = RegisterBuffer("running_mean", Tensor.Zeros([numFeatures]));
        RunningVar = RegisterBuffer("running_var", Tensor.Ones([numFeatures]));
        NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros([], ScalarType.Int64));
    }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }
    /// <summary>Running-statistics update factor.</summary>
    public double Momentum { get; }
    /// <summary>Scale γ.</summary>
    public Tensor Weight { get; }
    /// <summary>Shift β.</summary>
    public Tensor Bias { get; }
    /// <summary>Running mean (buffer).</summary>
    public Tensor RunningMean { get; }
    /// <summary>Running variance (buffer).</summary>
    public Tensor RunningVar { get; }
    /// <summary>Batches seen in training (buffer, int64 scalar).</summary>
    public Tensor NumBatchesTracked { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (Training) NumBatchesTracked.Add_(1);
        return Functional.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, Training, Momentum, Eps);
    }
}
