using System.Text.Json.Nodes;
using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Planning;
using k8s.Models;

namespace ClusterTune.Operator.Controllers;

/// <summary>
/// Creates a trial attempt: first the Secret with its token, then the pod that mounts it and carries only the
/// token's hash. The caller has checked the job against <see cref="TrialPodPolicy"/>.
/// </summary>
public static class TrialPodCreator
{
    /// <summary>Creates attempt <paramref name="attempt"/> of <paramref name="trial"/> with a fresh <paramref name="token"/>; false when the pod already existed.</summary>
    public static async Task<bool> CreateAsync(ApiActions api, FineTuneJob job, EffectiveSpec spec, Trial trial, int attempt, string token,
        OperatorOptions options, CancellationToken ct)
    {
        var pod = PodTemplate.Build(job, spec, trial, attempt, token, options);
        var secret = PodTemplate.TokenSecret(trial, attempt, token);
        if (!await api.CreateAsync(secret, ct))
        {
            // A crash between the two creates left the Secret behind with an older token. If the pod exists too, the
            // attempt is done; otherwise the Secret takes this token so it matches the hash on the pod created next.
            if (await api.Client.TryGetAsync<V1Pod>(pod.Metadata.Name, pod.Metadata.NamespaceProperty, ct) is not null)
            {
                return false;
            }

            var data = new JsonObject { [TrialEnv.TokenSecretKey] = Convert.ToBase64String(secret.Data[TrialEnv.TokenSecretKey]) };
            await api.Client.MergePatchAsync<V1Secret>(secret.Metadata.Name, new JsonObject { ["data"] = data }, secret.Metadata.NamespaceProperty, ct);
        }
        return await api.CreateAsync(pod, ct);
    }
}
