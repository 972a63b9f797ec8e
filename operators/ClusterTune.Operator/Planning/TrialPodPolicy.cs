using ClusterTune.Api;
using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Operator.Planning;

/// <summary>
/// What a job author may borrow from the namespace through the trial pod: a service account other than "default"
/// and Secrets through env secretKeyRef are refused unless the operator allows them (otherwise anyone who may
/// create a FineTuneJob acts as any service account and reads any Secret of the namespace). Pure.
/// </summary>
public static class TrialPodPolicy
{
    /// <summary>The operator flag that allows a service account.</summary>
    public const string ServiceAccountFlag = "--allow-service-account";

    /// <summary>The operator flag that allows a Secret.</summary>
    public const string SecretFlag = "--allow-secret";

    /// <summary>The service account every namespace has and trial pods run as unless allowed otherwise.</summary>
    public const string DefaultServiceAccount = "default";

    /// <summary>The fields of <paramref name="job"/> the operator's allow-lists refuse, each naming the flag that would allow it.</summary>
    public static IReadOnlyList<FieldError> Check(FineTuneJob job, OperatorOptions options)
    {
        var errors = new List<FieldError>();
        var ns = job.Metadata.NamespaceProperty ?? "";
        var trainer = job.Spec?.Trainer;
        if (trainer?.ServiceAccountName is { Length: > 0 } sa && sa != DefaultServiceAccount && !Allowed(options.AllowedServiceAccounts, ns, sa))
        {
            errors.Add(new FieldError("spec.trainer.serviceAccountName",
                $"service account \"{sa}\" is not allowed for trial pods (the operator allows \"{DefaultServiceAccount}\"{List(options.AllowedServiceAccounts)})",
                $"remove the field, or have the operator's administrator allow it with {ServiceAccountFlag} {ns}/{sa}"));
        }

        var env = trainer?.Env ?? [];
        for (var i = 0; i < env.Count; i++)
        {
            if (env[i].ValueFrom?.SecretKeyRef is not { } secret)
            {
                continue;
            }

            var name = secret.Name ?? "";
            if (Allowed(options.AllowedSecrets, ns, name))
            {
                continue;
            }

            errors.Add(new FieldError($"spec.trainer.env[{i}].valueFrom.secretKeyRef",
                $"Secret \"{name}\" is not allowed for trial pods (the operator allows {(options.AllowedSecrets.Count == 0 ? "no Secrets" : string.Join(", ", options.AllowedSecrets))})",
                $"remove the reference, or have the operator's administrator allow it with {SecretFlag} {ns}/{name}"));
        }
        var notify = job.Spec?.Notify ?? [];
        for (var i = 0; i < notify.Count; i++)
        {
            // The operator reads this Secret itself (to sign webhooks), so the same allow-list applies.
            if (notify[i]?.SecretRef?.Name is { Length: > 0 } name && !Allowed(options.AllowedSecrets, ns, name))
            {
                errors.Add(new FieldError($"spec.notify[{i}].secretRef.name",
                    $"Secret \"{name}\" is not allowed (the operator allows {(options.AllowedSecrets.Count == 0 ? "no Secrets" : string.Join(", ", options.AllowedSecrets))})",
                    $"have the operator's administrator allow it with {SecretFlag} {ns}/{name}, or remove secretRef (unsigned webhooks)"));
            }
        }

        return errors;
    }

    private static bool Allowed(IReadOnlyList<string> allowed, string ns, string name) =>
        allowed.Any(a => a == "*" || a == name || a == $"{ns}/{name}");

    private static string List(IReadOnlyList<string> allowed) => allowed.Count == 0 ? " only" : ", " + string.Join(", ", allowed);
}
