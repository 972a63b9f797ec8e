namespace ClusterTune.Operator.Planning;

/// <summary>A change to an existing Trial's spec the job planner asks for: stop it, or promote it to a new budget.</summary>
/// <param name="Name">The Trial's name.</param>
/// <param name="Stop">Set spec.stop = true (SIGTERM, checkpoint, EarlyStopped).</param>
/// <param name="Epochs">New spec.epochs (promotion to the next rung).</param>
/// <param name="ResumeFrom">New spec.resumeFrom (the checkpoint the promoted trial continues from).</param>
/// <param name="Rung">New spec.rung.</param>
/// <param name="Params">New spec.params (a PBT exploit's explored parameters).</param>
/// <param name="Exploit">New spec.exploit (the PBT exploit's record).</param>
/// <param name="CopyCheckpointFrom">Copy this checkpoint over the trial's last/ before the patch (the PBT donor's).</param>
public sealed record TrialSpecChange(string Name, bool? Stop = null, int? Epochs = null, string? ResumeFrom = null, int? Rung = null,
    Dictionary<string, ClusterTune.Api.V1Alpha1.ParamValue>? Params = null, ClusterTune.Api.V1Alpha1.TrialExploit? Exploit = null, string? CopyCheckpointFrom = null);
