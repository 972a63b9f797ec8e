using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>How many of the job's trials are in each phase; Total counts every trial created.</summary>
public sealed class TrialCounts
{
    [Minimum(0)] public int Pending { get; set; }
    [Minimum(0)] public int Running { get; set; }
    [Minimum(0)] public int Paused { get; set; }
    [Minimum(0)] public int Succeeded { get; set; }
    [Minimum(0)] public int Failed { get; set; }
    [Minimum(0)] public int EarlyStopped { get; set; }
    [Minimum(0)] public int Total { get; set; }

    /// <summary>Counts the given trial phases (Total = all of them).</summary>
    public static TrialCounts Count(IEnumerable<TrialPhase> phases)
    {
        var c = new TrialCounts();
        foreach (var p in phases)
        {
            c.Total++;
            switch (p)
            {
                case TrialPhase.Pending:
                    c.Pending++;
                    break;
                case TrialPhase.Running:
                    c.Running++;
                    break;
                case TrialPhase.Paused:
                    c.Paused++;
                    break;
                case TrialPhase.Succeeded:
                    c.Succeeded++;
                    break;
                case TrialPhase.Failed:
                    c.Failed++;
                    break;
                case TrialPhase.EarlyStopped:
                    c.EarlyStopped++;
                    break;
            }
        }
        return c;
    }
}
