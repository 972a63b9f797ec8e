using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Operator.Planning;

/// <summary>A trial's PBT lineage in its status: each exploit its spec asked for, recorded once when the attempt that carries it out starts.</summary>
public static class PbtLineage
{
    /// <summary>The lineage with <paramref name="exploit"/> appended unless already recorded (oldest dropped past the cap).</summary>
    public static List<TrialExploit>? With(List<TrialExploit>? lineage, TrialExploit? exploit)
    {
        if (exploit is null || lineage?.LastOrDefault() is { } last && last.Epoch == exploit.Epoch && last.From == exploit.From)
        {
            return lineage;
        }

        return [.. (lineage ?? []).Append(ApiCopy.Clone(exploit)).TakeLast(TrialStatus.MaxLineage)];
    }
}
