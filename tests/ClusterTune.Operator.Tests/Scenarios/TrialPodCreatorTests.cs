using System.Text;
using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Recording;
using ClusterTune.Operator.Controllers;
using ClusterTune.Operator.Planning;
using k8s;
using k8s.Models;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>The token Secret and its pod against the real embedded API server, including a crash between the two creates.</summary>
public sealed class TrialPodCreatorTests
{
    [Fact]
    public async Task A_secret_left_by_a_crash_takes_the_new_token_so_it_matches_the_pods_hash()
    {
        await using var h = await SweepHarness.StartAsync();
        var job = Job();
        job.Metadata.NamespaceProperty = "default";
        var draft = Trial(1);
        draft.Metadata.NamespaceProperty = "default";
        draft.Metadata.Uid = null;
        draft.Metadata.OwnerReferences = null;
        var trial = await h.Client.CreateAsync(draft);
        var options = new OperatorOptions { CheckpointRoot = h.CheckpointRoot, OtlpEndpoint = "http://127.0.0.1:1" };
        var api = new ApiActions(h.Client, new EventRecorder(h.Client, "test"));

        // The crashed reconcile created the Secret with its token, then died before the pod.
        await h.Client.CreateAsync(PodTemplate.TokenSecret(trial, 1, "token-of-the-crashed-reconcile"));
        Assert.True(await TrialPodCreator.CreateAsync(api, job, FineTuneJobDefaults.Apply(job.Spec), trial, 1, "fresh-token", options, CancellationToken.None));

        var podName = ResourceNames.Pod(trial.Spec.JobName, trial.Spec.Index, 1);
        async Task<string> SecretToken() =>
            Encoding.UTF8.GetString((await h.Client.GetAsync<V1Secret>(PodTemplate.TokenSecretName(podName), "default")).Data[TrialEnv.TokenSecretKey]);
        var pod = await h.Client.GetAsync<V1Pod>(podName, "default");
        Assert.Equal("fresh-token", await SecretToken());
        Assert.Equal(PodTemplate.TokenHash("fresh-token"), pod.Metadata.Annotations![AnnotationKeys.TokenSha256]);

        // Once the pod exists, a repeated reconcile (stale cache) changes nothing: the running pod keeps its token.
        Assert.False(await TrialPodCreator.CreateAsync(api, job, FineTuneJobDefaults.Apply(job.Spec), trial, 1, "another-token", options, CancellationToken.None));
        Assert.Equal("fresh-token", await SecretToken());
        Assert.Equal(pod.Metadata.Annotations[AnnotationKeys.TokenSha256], (await h.Client.GetAsync<V1Pod>(podName, "default")).Metadata.Annotations![AnnotationKeys.TokenSha256]);
    }
}
