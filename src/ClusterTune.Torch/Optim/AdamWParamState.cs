namespace ClusterTune.Torch.Optim;

/// <summary>AdamW state of one parameter: step count and moment estimates (tensors owned by whoever holds this record).</summary>
public sealed record AdamWParamState(long Step, Tensor ExpAvg, Tensor ExpAvgSq, Tensor? MaxExpAvgSq = null) : IDisposable
{
    /// <summary>Disposes the moment tensors.</summary>
    public void Dispose()
    {
        ExpAvg.Dispose();
        ExpAvgSq.Dispose();
        MaxExpAvgSq?.Dispose();
    }
}
