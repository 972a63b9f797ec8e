namespace ClusterTune.Experiments;

/// <summary>
/// One section of docs/experiments.md: the sweeps it needs (sweeps with the same name are run once and shared
/// between experiments) and how it turns their trials into text, a table and a figure.
/// </summary>
internal interface IExperiment
{
    /// <summary>Stable anchor of the section (docs link to docs/experiments.md#ID).</summary>
    string Id { get; }

    /// <summary>Section title, e.g. "(a) Pretrained vs scratch".</summary>
    string Title { get; }

    IReadOnlyList<SweepDefinition> Sweeps { get; }

    /// <summary>The section's Markdown body (without the title); <paramref name="results"/> maps sweep name → trials.</summary>
    string Render(IReadOnlyDictionary<string, IReadOnlyList<TrialResult>> results, Figures figures);
}
