namespace ClusterTune.Torch.Modules;

/// <summary>PyTorch's default initialisations, drawn from a seeded generator (or the global one).</summary>
public static class Init
{
    /// <summary>kaiming_uniform_(a=√5), PyTorch's Linear/Conv default: U(-1/√fanIn, 1/√fanIn).</summary>
    public static Tensor KaimingUniform(Tensor weight, long fanIn, Generator? generator = null)
    {
        var bound = fanIn > 0 ? 1.0 / Math.Sqrt(fanIn) : 0;
        return weight.Uniform_(-bound, bound, generator);
    }

    /// <summary>Bias default of Linear/Conv: U(-1/√fanIn, 1/√fanIn).</summary>
    public static Tensor BiasUniform(Tensor bias, long fanIn, Generator? generator = null) => KaimingUniform(bias, fanIn, generator);

    /// <summary>xavier_uniform_: U(-√(6/(fanIn+fanOut)), +√(6/(fanIn+fanOut))).</summary>
    public static Tensor XavierUniform(Tensor weight, long fanIn, long fanOut, Generator? generator = null)
    {
        var bound = Math.Sqrt(6.0 / (fanIn + fanOut));
        return weight.Uniform_(-bound, bound, generator);
    }
}
