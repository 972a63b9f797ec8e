namespace ClusterTune.Telemetry.Observations;

/// <summary>Memory bounds of the <see cref="ObservationAccumulator"/>.</summary>
public sealed class ObservationOptions
{
    /// <summary>Objective points kept per trial after run compression (oldest dropped beyond it). Default 20 000.</summary>
    public int MaxObjectivePointsPerTrial { get; set; } = 20_000;

    /// <summary>Recent point times remembered per series for duplicate detection. Default 256.</summary>
    public int DedupeWindowPerSeries { get; set; } = 256;

    /// <summary>Distinct series tracked per trial (high-cardinality attributes beyond it are ignored). Default 512.</summary>
    public int MaxSeriesPerTrial { get; set; } = 512;
}
