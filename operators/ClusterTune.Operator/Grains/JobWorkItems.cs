namespace ClusterTune.Operator.Grains;

/// <summary>The work items of a job grain's queue: the job itself, one of its trials, or the observation flush.</summary>
public static class JobWorkItems
{
    /// <summary>Reconcile the FineTuneJob.</summary>
    public const string Job = "job";

    /// <summary>
    /// Not queued itself: the grain queues the job and each of its unfinished trials. Sent by the silo's resync and
    /// after a membership change, when touches may have been lost (one-way calls to a dying silo, or events that no
    /// silo owned while the silos' views of the membership differed).
    /// </summary>
    public const string Heal = "heal";

    /// <summary>Write the trials' accumulated OTLP observations to their status.</summary>
    public const string Observations = "observations";

    private const string TrialPrefix = "trial/";

    /// <summary>Reconcile the named trial.</summary>
    public static string Trial(string name) => TrialPrefix + name;

    /// <summary>The trial name of a trial item, or null for the job and observation items.</summary>
    public static string? TrialOf(string item) => item.StartsWith(TrialPrefix, StringComparison.Ordinal) ? item[TrialPrefix.Length..] : null;

    /// <summary>The controller name an item is reported under (clustertune_operator_reconciles_total{controller}).</summary>
    public static string ControllerOf(string item) => item switch
    {
        Job => "finetunejob",
        Observations => "observations",
        _ => "trial",
    };
}
