namespace ClusterTune.Experiments;

/// <summary>One finished trial of a sweep: its parameters, phase and final-epoch accuracy (no selection on the test digits).</summary>
internal sealed record TrialResult(string Name, string Phase, IReadOnlyDictionary<string, double> Params, double? FinalAccuracy, int Epochs)
{
    /// <summary>A numeric parameter, or <paramref name="fallback"/> when the trial does not carry it.</summary>
    public double P(string name, double fallback = double.NaN) => Params.TryGetValue(name, out var v) ? v : fallback;
}
