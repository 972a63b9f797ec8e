using System.Text.RegularExpressions;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>spec.managedBy: a domain-prefixed path naming the controller that reconciles the job.</summary>
public static partial class FineTuneJobValidator
{
    private static void ValidateManagedBy(FineTuneJobSpec s, List<FieldError> e)
    {
        if (s.ManagedBy is not { } m)
        {
            return;
        }

        if (m.Length > JobControl.MaxManagedByLength || !ManagedByPath().IsMatch(m))
        {
            e.Add(new("spec.managedBy", $"{Quote(m)} is not a domain-prefixed path of at most {JobControl.MaxManagedByLength} characters",
                $"remove it (ClusterTune's operator reconciles the job) or name a controller, e.g. {JobControl.ClusterTuneController} or {JobControl.MultiKueueController}"));
        }
    }

    [GeneratedRegex(JobControl.ManagedByPattern)]
    private static partial Regex ManagedByPath();
}
