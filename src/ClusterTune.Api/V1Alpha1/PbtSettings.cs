namespace ClusterTune.Api.V1Alpha1;

/// <summary>spec.algorithm.pbt with its defaults applied.</summary>
public sealed record PbtSettings(int Interval, double QuantileFraction, IReadOnlyList<double> Factors, double ResampleProbability)
{
    /// <summary>The PBT settings of a spec (defaults for what it leaves out).</summary>
    public static PbtSettings Of(FineTuneJobSpec spec)
    {
        var p = spec?.Algorithm?.Pbt;
        return new PbtSettings(
            p?.PerturbationInterval ?? PbtSpec.DefaultPerturbationInterval,
            p?.QuantileFraction ?? PbtSpec.DefaultQuantileFraction,
            p?.PerturbationFactors ?? [.. PbtSpec.DefaultPerturbationFactors],
            p?.ResampleProbability ?? PbtSpec.DefaultResampleProbability);
    }
}
