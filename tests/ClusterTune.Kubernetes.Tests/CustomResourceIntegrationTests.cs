using ClusterTune.Api.Schema;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes.Patching;
using ClusterTune.Kubernetes.Tests.Support;
using k8s.Autorest;
using k8s.Models;

namespace ClusterTune.Kubernetes.Tests;

/// <summary>ClusterTune's own CRDs through the client: PUT with resourceVersion, /status, generation.</summary>
public sealed class CustomResourceIntegrationTests(EmbeddedServerFixture fx) : IClassFixture<EmbeddedServerFixture>
{
    private async Task<string> SetUpAsync()
    {
        foreach (var (_, yaml) in CrdGenerator.GenerateAllYaml())
        {
            fx.Server.InstallCrds(yaml);
        }

        return await fx.NewNamespaceAsync("crd");
    }

    private static Trial NewTrial(string ns) => new()
    {
        Metadata = new V1ObjectMeta { Name = "sweep-a-0", NamespaceProperty = ns },
        Spec = new TrialSpec { JobName = "sweep-a", Index = 0, Params = new() { ["loraRank"] = ParamValue.Of(8L) } },
    };

    [Fact]
    public async Task A_trial_round_trips_with_conditional_PUT_and_status_patch()
    {
        var ns = await SetUpAsync();
        using var c = fx.NewClient(ns);
        var created = await c.CreateAsync(NewTrial(ns));
        Assert.Equal(1, created.Metadata.Generation);
        Assert.Equal(8.0, created.Spec.Params["loraRank"].Number);

        created.Spec.Stop = true;
        var replaced = await c.ReplaceAsync(created);
        Assert.Equal(2, replaced.Metadata.Generation);
        Assert.True(replaced.Spec.Stop);

        created.Spec.Epochs = 3; // still carries the old resourceVersion
        Assert.True((await Assert.ThrowsAsync<HttpOperationException>(() => c.ReplaceAsync(created))).IsConflict());

        var status = await c.PatchStatusAsync<Trial>("sweep-a-0", MergePatch.WithResourceVersion(
            MergePatch.ForStatus(new TrialStatus { Phase = TrialPhase.Running, Attempts = 1 }), replaced.Metadata.ResourceVersion!), ns);
        Assert.Equal(TrialPhase.Running, status.Status!.Phase);
        Assert.Equal(2, status.Metadata.Generation); // status writes do not bump generation

        var list = await c.ListAsync<Trial>(ns);
        Assert.Equal("sweep-a-0", Assert.Single(list.Items).Metadata.Name);
        var invalid = NewTrial(ns);
        invalid.Metadata.Name = "sweep-a-1";
        invalid.Spec.Index = -1;
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => c.CreateAsync(invalid));
        Assert.True(e.IsInvalid());
        Assert.Contains(e.Status()!.Details.Causes, cause => cause.Field?.Contains("index") == true);
    }
}
