using System.Globalization;
using System.Text.RegularExpressions;
using ClusterTune.Api.Contract;
using k8s.Models;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>
/// Validates a FineTuneJob after defaulting: every error names the JSON field path, the problem and the fix. Pure;
/// an empty list means the job is valid. The operator turns the list into a Validated=False condition (and the
/// embedded API server into a 422); nothing is created for an invalid job.
/// </summary>
public static partial class FineTuneJobValidator
{
    /// <summary>Most parameters a search space may have (each becomes a resource attribute on every metric point).</summary>
    public const int MaxParameters = 32;
    public const int MaxAttemptsLimit = 100;

    /// <summary>Environment variables the operator sets on every trial pod (the contract's names in <see cref="TrialEnv"/>); trainer.env may not set them.</summary>
    public static readonly IReadOnlySet<string> ReservedEnvNames = typeof(TrialEnv)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .Where(v => EnvName().IsMatch(v))
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>Validates the job's name and its spec with defaults applied.</summary>
    public static IReadOnlyList<FieldError> Validate(FineTuneJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var e = new List<FieldError>();
        var name = job.Metadata?.Name;
        if (!ResourceNames.IsDns1123Label(name))
        {
            e.Add(new("metadata.name", $"{Quote(name)} is not a DNS-1123 label of at most {ResourceNames.MaxLength} characters (it becomes a label value and a prefix of pod names)",
                "use lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. 'mnist-sweep'"));
        }

        e.AddRange(ValidateSpec(job.Spec));
        return e;
    }

    /// <summary>Validates a spec with <see cref="FineTuneJobDefaults.Apply"/> applied first.</summary>
    public static IReadOnlyList<FieldError> ValidateSpec(FineTuneJobSpec? spec)
    {
        if (spec is null)
        {
            return [new("spec", "is missing", "add a spec with at least model.baseCheckpointUri, dataset.trainUri and trainer.image")];
        }

        var s = FineTuneJobDefaults.Apply(spec);
        var e = new List<FieldError>();
        ValidateModel(s, e);
        ValidateDataset(s, e);
        ValidateTrainer(s.Trainer, e);
        ValidateSearchSpace(s, e);
        ValidateObjective(s.Objective!, e);
        ValidateObjectives(s, e);
        ValidateEarlyStopping(s, e);
        ValidateBudget(s, e);
        ValidateCheckpoints(s.Checkpoints!, e);
        ValidateRetryPolicy(s.RetryPolicy!, e);
        ValidateNotify(s, e);
        ValidateWarmStart(s, e);
        ValidateBounds(s, e);
        ValidateManagedBy(s, e);
        ValidatePbt(s, e);
        return e;
    }

    private static void ValidateModel(FineTuneJobSpec s, List<FieldError> e)
    {
        if (string.IsNullOrWhiteSpace(s.Model.BaseCheckpointUri))
        {
            e.Add(new("spec.model.baseCheckpointUri", "is required", "set it to the pretrained checkpoint, e.g. file:///models/fashion-cnn.safetensors"));
        }
    }

    private static void ValidateDataset(FineTuneJobSpec s, List<FieldError> e)
    {
        if (string.IsNullOrWhiteSpace(s.Dataset.TrainUri))
        {
            e.Add(new("spec.dataset.trainUri", "is required", "set it to the fine-tuning data, e.g. file:///data/mnist"));
        }

        if (s.Dataset.LabelsPerClass is < 1)
        {
            e.Add(new("spec.dataset.labelsPerClass", $"must be >= 1, got {s.Dataset.LabelsPerClass}", "set a positive count such as 30, or remove it to use all labels"));
        }
    }

    private static void ValidateTrainer(TrainerSpec t, List<FieldError> e)
    {
        const string p = "spec.trainer";
        if (string.IsNullOrWhiteSpace(t.Image))
        {
            e.Add(new($"{p}.image", "is required", "set the trainer container image, e.g. ghcr.io/example/trainer:1.0"));
        }

        if (t.Epochs < 1)
        {
            e.Add(new($"{p}.epochs", $"must be >= 1, got {t.Epochs}", "set the full training length, e.g. 4"));
        }

        if (t.BatchSize < 1)
        {
            e.Add(new($"{p}.batchSize", $"must be >= 1, got {t.BatchSize}", "set a positive batch size, e.g. 64"));
        }

        if (t.PretrainingLearningRate is not { } lr || !double.IsFinite(lr) || lr <= 0)
        {
            e.Add(new($"{p}.pretrainingLearningRate", $"must be a finite number > 0, got {F(t.PretrainingLearningRate)}", "set the learning rate the base model was pretrained with, e.g. 0.001"));
        }

        if (t.Command is { Count: 0 })
        {
            e.Add(new($"{p}.command", "is an empty list", "remove it to use the image's entrypoint, or list the program and its arguments"));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (t.Env?.Count ?? 0); i++)
        {
            var env = t.Env![i];
            var ep = $"{p}.env[{i}]";
            if (string.IsNullOrEmpty(env.Name) || env.Name.Contains('='))
            {
                e.Add(new($"{ep}.name", $"{Quote(env.Name)} is not a valid variable name", "use letters, digits and '_', e.g. HF_HOME"));
            }
            else if (ReservedEnvNames.Contains(env.Name))
            {
                e.Add(new($"{ep}.name", $"'{env.Name}' is part of the trial contract; the operator sets it on every trial pod", "remove it; to change its value use the matching spec field (e.g. trainer.epochs for CT_EPOCHS)"));
            }
            else if (!seen.Add(env.Name))
            {
                e.Add(new($"{ep}.name", $"'{env.Name}' is defined twice", "keep one definition"));
            }

            if (env.Value is not null && env.ValueFrom is not null)
            {
                e.Add(new(ep, "sets both value and valueFrom", "keep one of them"));
            }

            if (env.ValueFrom is { } from &&
                new object?[] { from.SecretKeyRef, from.ConfigMapKeyRef, from.FieldRef, from.ResourceFieldRef, from.FileKeyRef }.Count(x => x is not null) != 1)
            {
                e.Add(new($"{ep}.valueFrom", "must set exactly one of secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef and fileKeyRef", "keep one reference"));
            }
        }

        if (t.Resources is { } r)
        {
            ValidateQuantities($"{p}.resources.requests", r.Requests, e);
            ValidateQuantities($"{p}.resources.limits", r.Limits, e);
            ResourceQuantity? req = null, lim = null;
            var hasReq = r.Requests?.TryGetValue(Gpus.NvidiaGpu, out req) == true;
            var hasLim = r.Limits?.TryGetValue(Gpus.NvidiaGpu, out lim) == true;
            if (hasReq && hasLim && req != lim)
            {
                e.Add(new($"{p}.resources.requests[{Gpus.NvidiaGpu}]", $"is {req} but the limit is {lim}; extended resources cannot be overcommitted",
                    "set requests equal to limits, or set only limits"));
            }
        }

        for (var i = 0; i < (t.Tolerations?.Count ?? 0); i++)
        {
            var tol = t.Tolerations![i];
            var tp = $"{p}.tolerations[{i}]";
            if (tol.OperatorProperty is not (null or "" or "Equal" or "Exists"))
            {
                e.Add(new($"{tp}.operator", $"{Quote(tol.OperatorProperty)} is not Equal or Exists", "use Equal (key and value must match) or Exists (any value)"));
            }

            if (tol.OperatorProperty == "Exists" && !string.IsNullOrEmpty(tol.Value))
            {
                e.Add(new($"{tp}.value", "must be empty when operator is Exists", "remove value, or use operator Equal"));
            }

            if (string.IsNullOrEmpty(tol.Key) && tol.OperatorProperty != "Exists")
            {
                e.Add(new($"{tp}.key", "is empty, which only operator Exists allows (it tolerates every taint)", "set the taint key, e.g. nvidia.com/gpu, or set operator: Exists"));
            }

            if (tol.Effect is not (null or "" or "NoSchedule" or "PreferNoSchedule" or "NoExecute"))
            {
                e.Add(new($"{tp}.effect", $"{Quote(tol.Effect)} is not NoSchedule, PreferNoSchedule or NoExecute", "use one of those, or leave it empty to match every effect"));
            }

            if (tol.TolerationSeconds is not null && tol.Effect != "NoExecute")
            {
                e.Add(new($"{tp}.tolerationSeconds", "applies only to effect NoExecute", "remove it or set effect: NoExecute"));
            }
        }
    }

    // Malformed quantities never get here: ResourceQuantity refuses them while the object is decoded, and the CRD's
    // pattern makes the API server refuse them first.
    private static void ValidateQuantities(string path, IDictionary<string, ResourceQuantity>? quantities, List<FieldError> e)
    {
        if (quantities is null)
        {
            return;
        }

        foreach (var (name, q) in quantities.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (q is null)
            {
                e.Add(new($"{path}[{name}]", "is null", "write a quantity, e.g. 2, 500m (CPU) or 4Gi (memory)"));
            }
            else if (name == Gpus.NvidiaGpu && !Gpus.IsWhole(q, out _))
            {
                e.Add(new($"{path}[{name}]", $"'{q}' is not a whole number of GPUs", "request whole GPUs, e.g. 1"));
            }
            else if (q.ToDecimal() < 0)
            {
                e.Add(new($"{path}[{name}]", $"'{q}' is negative", "request a positive amount"));
            }
        }
    }

    private static void ValidateObjective(ObjectiveSpec o, List<FieldError> e)
    {
        if (!MetricName().IsMatch(o.Metric ?? ""))
        {
            e.Add(new("spec.objective.metric", o.Metric?.Length > FieldLimits.MetricName
                ? $"is {o.Metric.Length} characters long, more than {FieldLimits.MetricName}"
                : $"{Quote(o.Metric)} is not a metric name", "use the name the trainer reports in clustertune.eval.metric{metric=...}, e.g. accuracy"));
        }

        if (o.Target is { } t && !double.IsFinite(t))
        {
            e.Add(new("spec.objective.target", "must be a finite number", "set e.g. 0.95, or remove it"));
        }
    }

    private static void ValidateEarlyStopping(FineTuneJobSpec s, List<FieldError> e)
    {
        const string p = "spec.earlyStopping";
        var es = s.EarlyStopping!;
        var epochs = s.Trainer.Epochs ?? 1;
        var isRungBased = es.Type is EarlyStoppingType.Asha or EarlyStoppingType.Hyperband;
        var typeName = Json(es.Type);

        if (!isRungBased)
        {
            foreach (var (field, set) in new[] { ("minResource", es.MinResource is not null), ("maxResource", es.MaxResource is not null), ("reductionFactor", es.ReductionFactor is not null), ("mode", es.Mode is not null), ("brackets", es.Brackets is not null) })
            {
                if (set)
                {
                    e.Add(new($"{p}.{field}", $"applies to asha and hyperband, but type is {typeName}", es.Type == EarlyStoppingType.None ? "set type: asha (or hyperband), or remove it" : "remove it"));
                }
            }
        }
        if (es.Type != EarlyStoppingType.Median)
        {
            foreach (var (field, set) in new[] { ("gracePeriod", es.GracePeriod is not null), ("minTrials", es.MinTrials is not null) })
            {
                if (set)
                {
                    e.Add(new($"{p}.{field}", $"applies to median, but type is {typeName}", isRungBased ? "remove it; for asha/hyperband the first rung is minResource" : "set type: median, or remove it"));
                }
            }
        }
        if (isRungBased)
        {
            int min = es.MinResource!.Value, max = es.MaxResource!.Value, rf = es.ReductionFactor!.Value;
            if (min < 1)
            {
                e.Add(new($"{p}.minResource", $"must be >= 1 epoch, got {min}", "set minResource: 1"));
            }

            if (max > epochs)
            {
                e.Add(new($"{p}.maxResource", $"{max} exceeds trainer.epochs ({epochs})", $"set maxResource to at most {epochs}, or raise spec.trainer.epochs"));
            }

            if (min >= 1 && max <= min)
            {
                e.Add(new($"{p}.maxResource", $"must be greater than minResource ({min}), got {max}, or there is no rung to stop at",
                    $"raise maxResource (e.g. to trainer.epochs = {epochs}) or lower minResource"));
            }

            if (rf < 2)
            {
                e.Add(new($"{p}.reductionFactor", $"must be >= 2, got {rf}", "set reductionFactor: 3 (keep the top third at each rung)"));
            }

            if (es.Brackets is { } b && min >= 1 && max > min && rf >= 2)
            {
                var most = FineTuneJobDefaults.HyperbandBrackets(min, max, rf);
                if (b < 1 || b > most)
                {
                    e.Add(new($"{p}.brackets", $"must be between 1 and {most} for minResource {min}, maxResource {max}, reductionFactor {rf}, got {b}", $"set brackets: {most}, or remove it"));
                }
            }
        }
        if (es.Type == EarlyStoppingType.Median)
        {
            if (es.GracePeriod is { } g && g >= epochs)
            {
                e.Add(new($"{p}.gracePeriod", $"{g} is not below trainer.epochs ({epochs}), so no trial could ever be stopped", $"set gracePeriod below {epochs}, e.g. 1"));
            }

            if (es.MinTrials is < 1)
            {
                e.Add(new($"{p}.minTrials", $"must be >= 1, got {es.MinTrials}", "set minTrials: 3"));
            }
        }
    }

    private static void ValidateBudget(FineTuneJobSpec s, List<FieldError> e)
    {
        const string p = "spec.budget";
        var b = s.Budget!;
        if (b.MaxTrials < 1)
        {
            e.Add(new($"{p}.maxTrials", $"must be >= 1, got {b.MaxTrials}", "set the number of trials to run, e.g. 12"));
        }

        if (b.Parallelism < 1)
        {
            e.Add(new($"{p}.parallelism", $"must be >= 1, got {b.Parallelism}", "set how many trials run at once, e.g. 2 (to pause the sweep use spec.suspend)"));
        }

        if (b.MaxFailedTrials < 0)
        {
            e.Add(new($"{p}.maxFailedTrials", $"must be >= 0, got {b.MaxFailedTrials}", "set e.g. 3"));
        }

        ValidateDuration($"{p}.maxDuration", b.MaxDuration, "2h", e);
        ValidateDuration($"{p}.trialDeadline", b.TrialDeadline, "30m", e);
        if (b.MaxGpuHours is { } gh)
        {
            if (!double.IsFinite(gh) || gh <= 0)
            {
                e.Add(new($"{p}.maxGpuHours", $"must be > 0, got {F(gh)}", "set the GPU-hours the sweep may use, e.g. 10, or remove it"));
            }
            else if ((s.Trainer.Resources?.GpuCount() ?? 0) == 0)
            {
                e.Add(new($"{p}.maxGpuHours", "is set but trainer.resources asks for no nvidia.com/gpu, so the budget can never be consumed",
                    "request GPUs in spec.trainer.resources.limits[nvidia.com/gpu], or use maxDuration to bound a CPU sweep"));
            }
        }
        if (b.NotImprovingTrials < 1)
        {
            e.Add(new($"{p}.notImprovingTrials", $"must be >= 1, got {b.NotImprovingTrials}", "set e.g. 10, or remove it"));
        }
    }

    private static void ValidateCheckpoints(CheckpointSpec c, List<FieldError> e)
    {
        if (c.KeepTop is < 1 or > 50)
        {
            e.Add(new("spec.checkpoints.keepTop", $"must be between 1 and 50, got {c.KeepTop}", "set e.g. 3"));
        }

        if (c.StorageRoot is { } root && string.IsNullOrWhiteSpace(root))
        {
            e.Add(new("spec.checkpoints.storageRoot", "is blank", "set a path or URI such as /var/lib/clustertune/checkpoints, or remove it"));
        }

        if (c.PromotePath is { } promote && string.IsNullOrWhiteSpace(promote))
        {
            e.Add(new("spec.checkpoints.promotePath", "is blank", "set a path or URI, or remove it for <storageRoot>/<namespace>/<job>/best"));
        }
    }

    private static void ValidateRetryPolicy(RetryPolicy r, List<FieldError> e)
    {
        if (r.MaxAttempts is < 1 or > MaxAttemptsLimit)
        {
            e.Add(new("spec.retryPolicy.maxAttempts", $"must be between 1 and {MaxAttemptsLimit}, got {r.MaxAttempts}", "set e.g. 3 (1 = never retry)"));
        }

        ValidateDuration("spec.retryPolicy.heartbeatTimeout", r.HeartbeatTimeout, "10m", e);
        ValidateDuration("spec.retryPolicy.backoff", r.Backoff, "10s", e, zeroAllowed: true);
    }

    private static void ValidateDuration(string path, string? text, string example, List<FieldError> e, bool zeroAllowed = false)
    {
        if (text is null)
        {
            return;
        }

        if (!GoDuration.TryParse(text, out var d))
        {
            e.Add(new(path, $"{Quote(text)} is not a Go duration", $"write e.g. {example}, 90s or 1h30m (units ns, us, ms, s, m, h)"));
        }
        else if (d < TimeSpan.Zero || (d == TimeSpan.Zero && !zeroAllowed))
        {
            e.Add(new(path, zeroAllowed ? "must not be negative" : "must be longer than zero", $"set e.g. {example}, or remove it"));
        }
    }

    private static string F(double? v) => v is { } d ? d.ToString("R", CultureInfo.InvariantCulture) : "nothing";

    private static string Json<T>(T? value) where T : struct, Enum =>
        value is null ? "unset" : System.Text.Json.JsonSerializer.Serialize(value.Value, ApiJson.Options).Trim('"');

    [GeneratedRegex("^[A-Z][A-Z0-9_]*$")]
    private static partial Regex EnvName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,62}$")]
    private static partial Regex ParameterName();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_.\-/]{0,127}$")]
    private static partial Regex MetricName();
}
