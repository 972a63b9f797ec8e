namespace ClusterTune.Api.V1Alpha1;

/// <summary>spec.notify (webhooks) and spec.warmStartFrom (earlier sweeps whose trials seed this one).</summary>
public static partial class FineTuneJobValidator
{
    private static void ValidateNotify(FineTuneJobSpec s, List<FieldError> e)
    {
        if (s.Notify is not { } list)
        {
            return;
        }

        if (list.Count > FieldLimits.MaxNotifyTargets)
        {
            e.Add(new("spec.notify", $"has {list.Count} entries, more than {FieldLimits.MaxNotifyTargets}", $"keep at most {FieldLimits.MaxNotifyTargets} webhooks (fan out in the receiver)"));
        }

        for (var i = 0; i < list.Count; i++)
        {
            var path = $"spec.notify[{i}]";
            if (list[i] is not { } n)
            {
                e.Add(new(path, "is null", "write {url: https://hooks.example.com/ct, on: [Succeeded, Failed]}"));
                continue;
            }

            if (n.Url is not { Length: <= FieldLimits.Uri } url || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            {
                e.Add(new($"{path}.url", $"{Quote(n.Url)} is not an absolute http or https URL", "use the receiver's full URL, e.g. https://hooks.example.com/clustertune"));
            }
            else if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                e.Add(new($"{path}.url", "carries credentials (user:password@), which would be stored in the spec and in status", "remove them and sign the body with secretRef instead"));
            }

            if (n.On is not { Count: > 0 } on)
            {
                e.Add(new($"{path}.on", "is empty", "list at least one of Succeeded, Failed, BudgetExhausted"));
            }
            else
            {
                for (var k = 0; k < on.Count; k++)
                {
                    if (!Enum.IsDefined(on[k]))
                    {
                        e.Add(new($"{path}.on[{k}]", $"'{(int)on[k]}' is not a sweep event", "use Succeeded, Failed or BudgetExhausted"));
                    }
                    else if (on.IndexOf(on[k]) != k)
                    {
                        e.Add(new($"{path}.on[{k}]", $"{on[k]} is listed twice", "list each event once"));
                    }
                }
            }

            if (n.SecretRef is { } secret && !IsSecretName(secret.Name))
            {
                e.Add(new($"{path}.secretRef.name", $"{Quote(secret.Name)} is not a Secret name", "name a Secret in the job's namespace, e.g. clustertune-webhook"));
            }

            if (n.SecretRef is { Key: { } key } && string.IsNullOrEmpty(key))
            {
                e.Add(new($"{path}.secretRef.key", "is empty", "name the Secret's key that holds the signing key, or leave key out (default: secret)"));
            }
        }
    }

    private static void ValidateWarmStart(FineTuneJobSpec s, List<FieldError> e)
    {
        if (s.WarmStartFrom is not { } list)
        {
            return;
        }

        if (list.Count > FieldLimits.MaxWarmStartSources)
        {
            e.Add(new("spec.warmStartFrom", $"has {list.Count} entries, more than {FieldLimits.MaxWarmStartSources}", $"name at most {FieldLimits.MaxWarmStartSources} earlier FineTuneJobs"));
        }

        for (var i = 0; i < list.Count; i++)
        {
            var path = $"spec.warmStartFrom[{i}]";
            if (!ResourceNames.IsDns1123Label(list[i]))
            {
                e.Add(new(path, $"{Quote(list[i])} is not a FineTuneJob name", "name an earlier FineTuneJob in this namespace, e.g. mnist-sweep"));
            }
            else if (list.IndexOf(list[i]) != i)
            {
                e.Add(new(path, $"'{list[i]}' is listed twice", "name each source job once"));
            }
        }
    }

    /// <summary>A DNS-1123 subdomain (a Secret's name): dot-separated labels, at most 253 characters.</summary>
    private static bool IsSecretName(string? name) =>
        name is { Length: > 0 and <= FieldLimits.Name } && name.Split('.').All(l => l.Length <= 63 && ResourceNames.IsDns1123Label(l));
}
