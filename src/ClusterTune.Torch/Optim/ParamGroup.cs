namespace ClusterTune.Torch.Optim;

/// <summary>Parameters that share a base learning rate and weight decay (PyTorch's param_groups entry).</summary>
public sealed record ParamGroup(IReadOnlyList<Tensor> Parameters, double Lr, double WeightDecay = 0.01, string Name = "");
