namespace ClusterTune.Experiments;

/// <summary>
/// How big the run is: seeds per setting, epochs and the lrFactor values swept. The full run (`make experiments`) is
/// sized so that trial start-up (about 2.5 s of CPU each: .NET, LibTorch, data) does not dominate the 30-minute
/// budget on 2 cores; --quick is a smoke run for development (same sweeps, fewer seeds, values and epochs).
/// </summary>
/// <param name="Seeds">Seeds per setting in the lrFactor, freezing and similarity sweeps.</param>
/// <param name="TransferSeeds">Seeds per setting in pretrained vs scratch (at least 5 in the full run).</param>
/// <param name="FullFactors">lrFactor values of full fine-tuning (freezeDepth 0).</param>
/// <param name="LoraFactors">lrFactor values of LoRA (they reach higher: LoRA's adapters start at zero).</param>
/// <param name="DepthFactors">lrFactor values of full fine-tuning at freezeDepth 1..3.</param>
internal sealed record ExperimentScale(int Seeds, int TransferSeeds, int Epochs, IReadOnlyList<double> FullFactors,
    IReadOnlyList<double> LoraFactors, IReadOnlyList<double> DepthFactors, bool Quick)
{
    public static ExperimentScale Full { get; } = new(Seeds: 2, TransferSeeds: 5, Epochs: 8,
        FullFactors: [0.01, 0.03, 0.1, 0.3, 1, 3, 10], LoraFactors: [0.1, 1, 3, 10, 30], DepthFactors: [0.1, 1, 10], Quick: false);

    public static ExperimentScale Smoke { get; } = new(Seeds: 1, TransferSeeds: 2, Epochs: 2,
        FullFactors: [0.1, 1, 10], LoraFactors: [0.1, 10], DepthFactors: [0.1, 10], Quick: true);

    /// <summary>Seeds 1..n: the same list in every sweep, so setting A's seed k and setting B's seed k share a few-label sample.</summary>
    public static IReadOnlyList<double> SeedList(int n) => [.. Enumerable.Range(1, n).Select(i => (double)i)];

    /// <summary>"seeds 1–3 (3 per setting)".</summary>
    public static string Describe(int n) => n == 1 ? "seed 1 (1 per setting)" : $"seeds 1–{n} ({n} per setting)";
}
