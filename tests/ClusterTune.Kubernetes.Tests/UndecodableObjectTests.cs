using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ClusterTune.Kubernetes.Informers;
using ClusterTune.Kubernetes.Tests.Support;
using k8s;
using k8s.Models;

namespace ClusterTune.Kubernetes.Tests;

/// <summary>A model the test owns, so a number beyond int32 can be stored by the server but not decoded by us.</summary>
[KubernetesEntity(Group = "test.clustertune.io", ApiVersion = "v1", Kind = "Widget", PluralName = "widgets")]
public sealed class Widget : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "test.clustertune.io/v1";
    public string Kind { get; set; } = "Widget";
    public V1ObjectMeta Metadata { get; set; } = new();
    public WidgetSpec Spec { get; set; } = new();
}

public sealed class WidgetSpec
{
    public int Size { get; set; }
}

/// <summary>
/// An object that cannot be decoded must not stop the informer (it used to fail and retry forever, starving every
/// other object until a restart): it is left out, reported once per version, and the rest keeps flowing.
/// </summary>
public sealed class UndecodableObjectTests(EmbeddedServerFixture fx) : IClassFixture<EmbeddedServerFixture>
{
    private const string Crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.test.clustertune.io
        spec:
          group: test.clustertune.io
          scope: Namespaced
          names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
        """;

    private static JsonObject Raw(string ns, string name, long size) => new()
    {
        ["apiVersion"] = "test.clustertune.io/v1",
        ["kind"] = "Widget",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject { ["size"] = size },
    };

    private static JsonObject SizePatch(long size) => new() { ["spec"] = new JsonObject { ["size"] = size } };

    [Fact]
    public async Task A_widget_beyond_int32_is_skipped_and_reported_while_the_others_keep_flowing()
    {
        fx.Server.InstallCrds(Crd);
        var ns = await fx.NewNamespaceAsync("poison");
        using var c = fx.NewClient(ns);
        await c.CustomObjects.CreateNamespacedCustomObjectAsync(Raw(ns, "a", 1), "test.clustertune.io", "v1", ns, "widgets");
        await c.CustomObjects.CreateNamespacedCustomObjectAsync(Raw(ns, "bad", 2147483648L), "test.clustertune.io", "v1", ns, "widgets");

        var informer = new Informer<Widget>(c, new InformerOptions { Namespace = ns, InitialBackoff = TimeSpan.FromMilliseconds(50), Random = new Random(5) });
        var reports = new ConcurrentQueue<UndecodableObject>();
        var deleted = new ConcurrentQueue<string>();
        informer.OnUndecodable = reports.Enqueue;
        informer.AddHandler(new InformerHandler<Widget>(OnDelete: w => deleted.Enqueue(w.Metadata.Name)));
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["a"], informer.List().Select(w => w.Metadata.Name));
        Assert.Equal(1, informer.UndecodableCount);
        var report = Assert.Single(reports);
        Assert.Equal($"{ns}/bad", report.Key);
        Assert.Equal(("Widget", "test.clustertune.io/v1", "bad", ns), (report.Reference.Kind, report.Reference.ApiVersion, report.Reference.Name, report.Reference.NamespaceProperty));
        Assert.False(string.IsNullOrEmpty(report.Reference.Uid));
        Assert.Contains("spec.size", report.Error, StringComparison.OrdinalIgnoreCase);

        // Others keep flowing: a create and an update after the bad object.
        await c.CustomObjects.CreateNamespacedCustomObjectAsync(Raw(ns, "b", 2), "test.clustertune.io", "v1", ns, "widgets");
        await c.MergePatchAsync<Widget>("a", SizePatch(5), ns);
        await Eventually.TrueAsync(() => informer.Get(ns, "b") is not null && informer.Get(ns, "a")?.Spec.Size == 5, "the informer to keep serving the good widgets");

        // Fixing the bad one brings it in; breaking a good one takes it out (with a delete to the handlers) and reports it.
        await c.MergePatchAsync<Widget>("bad", SizePatch(3), ns);
        await Eventually.TrueAsync(() => informer.Get(ns, "bad")?.Spec.Size == 3 && informer.UndecodableCount == 0, "the fixed widget to be cached");
        await c.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(SizePatch(1L << 40), V1Patch.PatchType.MergePatch), "test.clustertune.io", "v1", ns, "widgets", "b");
        await Eventually.TrueAsync(() => informer.Get(ns, "b") is null && deleted.Contains("b") && informer.UndecodableCount == 1, "the broken widget to leave the cache");
        Assert.Equal(2, reports.Count);

        // Deleting it clears the record; the informer never relisted or stopped for any of this.
        await c.DeleteAsync<Widget>("b", ns);
        await Eventually.TrueAsync(() => informer.UndecodableCount == 0, "the deleted widget to be forgotten");
        Assert.Equal(1, informer.Lists);
        Assert.Equal(2, informer.Count);

        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
