namespace ClusterTune.Telemetry.Observations;

/// <summary>The objective value a trial reported at the end of an epoch (what ASHA/median rules compare).</summary>
/// <param name="Epoch">clustertune.train.epoch in force at the observation's time.</param>
/// <param name="Value">Objective value (may be NaN/±Inf: a failure signal the rules must handle).</param>
/// <param name="TimeUnixNano">Time of the point the value came from (the latest one within the epoch).</param>
/// <param name="Step">clustertune.train.step at that time, when reported in the same batch.</param>
public sealed record RungObservation(long Epoch, double Value, ulong TimeUnixNano, long? Step);
