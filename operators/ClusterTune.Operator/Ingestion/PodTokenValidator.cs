using System.Security.Cryptography;
using System.Text;
using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Controllers;
using ClusterTune.Operator.Planning;
using ClusterTune.Telemetry;
using ClusterTune.Telemetry.Ingestion;
using k8s.Models;

namespace ClusterTune.Operator.Ingestion;

/// <summary>
/// Checks OTLP exports against the informer caches: the trial must exist and be unfinished, and the token's SHA-256
/// must equal the token-hash annotation of one of its pods. Stateless and Secret-free: the hash lives on the pod, so
/// any silo (after a restart, or the one a grain moved to) validates the same trainers without reading (or being allowed to read) the
/// token Secrets, and the pod spec gives a reader nothing to forge with.
/// </summary>
public sealed class PodTokenValidator(OperatorCaches caches) : ITrialTokenValidator
{
    /// <inheritdoc />
    public ValueTask<TrialAuthorization> AuthorizeAsync(TrialKey key, string? podName, string? token, CancellationToken cancellationToken)
    {
        var trial = caches.Trials.Get(key.Namespace, key.Trial);
        if (trial is null || trial.Spec.JobName != key.Job || TrialPhases.IsEnded(trial.Status?.Phase))
        {
            return ValueTask.FromResult(TrialAuthorization.UnknownTrial);
        }

        var pods = caches.Pods.ListByOwner(trial.Metadata.Uid!);
        if (podName is not null && !pods.Any(p => p.Metadata.Name == podName))
        {
            return ValueTask.FromResult(caches.Pods.Get(key.Namespace, podName) is null ? TrialAuthorization.UnknownTrial : TrialAuthorization.PodMismatch);
        }

        if (token is null)
        {
            return ValueTask.FromResult(TrialAuthorization.InvalidToken);
        }

        var candidates = podName is null ? pods : pods.Where(p => p.Metadata.Name == podName);
        var given = Encoding.ASCII.GetBytes(PodTemplate.TokenHash(token));
        foreach (var pod in candidates)
        {
            string? expected = null;
            if (pod.Metadata.Annotations?.TryGetValue(AnnotationKeys.TokenSha256, out var hash) == true)
            {
                expected = hash;
            }

            if (expected is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), given))
            {
                return ValueTask.FromResult(TrialAuthorization.Accepted);
            }
        }
        return ValueTask.FromResult(TrialAuthorization.InvalidToken);
    }
}
