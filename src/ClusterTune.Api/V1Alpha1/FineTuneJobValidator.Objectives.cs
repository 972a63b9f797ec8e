namespace ClusterTune.Api.V1Alpha1;

/// <summary>spec.objectives: several objectives for a Pareto front, the first one primary.</summary>
public static partial class FineTuneJobValidator
{
    private static void ValidateObjectives(FineTuneJobSpec s, List<FieldError> e)
    {
        if (s.Objectives is not { } list)
        {
            return;
        }

        if (list.Count == 0)
        {
            e.Add(new("spec.objectives", "is empty", "list at least one {metric, direction}, or remove it and use spec.objective"));
        }

        if (list.Count > FieldLimits.MaxObjectives)
        {
            e.Add(new("spec.objectives", $"has {list.Count} entries, more than {FieldLimits.MaxObjectives}", $"keep at most {FieldLimits.MaxObjectives} objectives"));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"spec.objectives[{i}]";
            if (list[i] is not { } o)
            {
                e.Add(new(path, "is null", "write {metric: accuracy, direction: maximize}"));
                continue;
            }

            if (!MetricName().IsMatch(o.Metric ?? ""))
            {
                e.Add(new($"{path}.metric", $"{Quote(o.Metric)} is not a metric name", "use a metric the trainer reports (e.g. accuracy), or trainableFraction, trainableParameters or gpuHours"));
            }
            else if (i == 0 && ObjectiveSpec.StatusMetrics.Contains(o.Metric!))
            {
                e.Add(new($"{path}.metric", $"'{o.Metric}' is a status value, not a metric the trainer optimises, so it cannot be the primary objective",
                    "list the trainer's metric first (e.g. accuracy), then " + o.Metric));
            }
            else if (!seen.Add(o.Metric!))
            {
                e.Add(new($"{path}.metric", $"'{o.Metric}' is listed twice", "list each metric once"));
            }

            if (o.Target is not null)
            {
                e.Add(new($"{path}.target", "targets are not supported per objective", "put the primary objective's target in spec.objective.target"));
            }
        }

        if (list is [{ Metric: { } first } primary, ..] && s.Objective is { } single && (single.Metric != first || single.Direction != primary.Direction))
        {
            e.Add(new("spec.objective", $"names {single.Metric} ({Json(single.Direction)}) but spec.objectives[0] is {first} ({Json(primary.Direction)})",
                "make spec.objective the same metric and direction as objectives[0] (or leave it out; it is then copied from objectives[0])"));
        }
    }
}
