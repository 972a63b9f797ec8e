using System.Diagnostics;
using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Logs;
using ClusterTune.Testing;
using k8s.Models;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>Drives the real kubectl against the embedded server: apply, get with printer columns, describe, logs, delete.</summary>
public sealed class KubectlEndToEndTests : ServerHarness
{
    private string _kubeconfig = "";

    protected override EmbeddedApiServerOptions Options => new() { EnableControllers = true };

    private async Task<(int Code, string Out, string Err)> KubectlAsync(params string[] args)
    {
        if (_kubeconfig.Length == 0)
        {
            _kubeconfig = Fixture.WriteKubeconfig();
        }

        string[] common = ["--kubeconfig", _kubeconfig, "--cache-dir", Path.Combine(Fixture.TempDirectory, "kube-cache")];
        return await Kubectl.RunAsync([.. common, .. args], workingDirectory: Fixture.TempDirectory,
            environment: new Dictionary<string, string> { ["HOME"] = Fixture.TempDirectory });
    }

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(Fixture.TempDirectory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [KubectlFact]
    public async Task Kubectl_applies_gets_describes_and_deletes_a_custom_resource()
    {
        var crdFile = WriteFile("crd.yaml", File.ReadAllText(TestDataPath("finetunejob-crd.yaml")).Replace("finetunejobs", "sweeps").Replace("finetunejob", "sweep").Replace("FineTuneJob", "Sweep").Replace("[ftj]", "[sw]"));
        var apply = await KubectlAsync("apply", "-f", crdFile);
        Assert.True(apply.Code == 0, apply.Err);
        Assert.Contains("customresourcedefinition.apiextensions.k8s.io/sweeps.clustertune.io created", apply.Out);

        var crFile = WriteFile("cr.yaml", """
            apiVersion: clustertune.io/v1alpha1
            kind: Sweep
            metadata:
              name: sweep-a
              labels:
                team: vision
            spec:
              maxTrials: 4
              lr: [0.0001, 0.0003]
            """);
        apply = await KubectlAsync("apply", "-f", crFile);
        Assert.True(apply.Code == 0, apply.Err);
        Assert.Contains("sweep.clustertune.io/sweep-a created", apply.Out);

        // Re-apply with a change goes through kubectl's merge patch.
        File.WriteAllText(crFile, File.ReadAllText(crFile).Replace("maxTrials: 4", "maxTrials: 6"));
        apply = await KubectlAsync("apply", "-f", crFile);
        Assert.True(apply.Code == 0, apply.Err);
        Assert.Contains("sweep.clustertune.io/sweep-a configured", apply.Out);

        Assert.Equal(200, (await Api.PatchAsync("/apis/clustertune.io/v1alpha1/namespaces/default/sweeps/sweep-a/status",
            """{"status":{"phase":"Running"}}""", "application/merge-patch+json")).Code);

        var get = await KubectlAsync("get", "sweeps");
        Assert.True(get.Code == 0, get.Err);
        var lines = get.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "MAXTRIALS", "PHASE", "AGE"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var row = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("sweep-a", row[0]);
        Assert.Equal("6", row[1]);
        Assert.Equal("Running", row[2]);
        Assert.Matches("^[0-9]+s$", row[3]);

        var byShortName = await KubectlAsync("get", "sw", "-l", "team=vision", "-o", "json");
        Assert.True(byShortName.Code == 0, byShortName.Err);
        var json = JsonNode.Parse(byShortName.Out)!;
        var item = Assert.Single(json["items"]!.AsArray())!;
        Assert.Equal(2, item["metadata"]!["generation"]!.GetValue<int>());

        var describe = await KubectlAsync("describe", "sweep", "sweep-a");
        Assert.True(describe.Code == 0, describe.Err);
        Assert.Contains("Name:         sweep-a", describe.Out);
        Assert.Contains("Max Trials:  6", describe.Out);
        Assert.Contains("Phase:  Running", describe.Out);

        var delete = await KubectlAsync("delete", "-f", crFile);
        Assert.True(delete.Code == 0, delete.Err);
        Assert.Contains("sweep.clustertune.io \"sweep-a\" deleted", delete.Out);

        var missing = await KubectlAsync("get", "sweep", "sweep-a");
        Assert.Equal(1, missing.Code);
        Assert.Contains("Error from server (NotFound): sweeps.clustertune.io \"sweep-a\" not found", missing.Err);
    }

    [KubectlFact]
    public async Task Kubectl_reports_schema_violations_and_serves_pods_and_logs()
    {
        var bad = WriteFile("bad.yaml", """
            apiVersion: clustertune.io/v1alpha1
            kind: Trial
            metadata:
              name: bad
            spec:
              model: ""
              scheduler: step
            """);
        var apply = await KubectlAsync("apply", "-f", bad);
        Assert.NotEqual(0, apply.Code);
        Assert.Contains("The Trial \"bad\" is invalid", apply.Err);
        Assert.Contains("spec.epochs: Required value", apply.Err);
        Assert.Contains("spec.scheduler: Unsupported value: \"step\"", apply.Err);

        var logs = new InMemoryPodLogProvider();
        logs.Append("default", "trainer-0", "trainer", "epoch 1 loss 0.9\nepoch 2 loss 0.5\n");
        Server.PodLogProvider = logs;
        var pod = WriteFile("pod.yaml", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: trainer-0
            spec:
              restartPolicy: Never
              containers:
              - name: trainer
                image: example/trainer:1
                command: ["python", "train.py"]
            """);
        apply = await KubectlAsync("apply", "-f", pod);
        Assert.True(apply.Code == 0, apply.Err);
        var get = await KubectlAsync("get", "pods");
        Assert.True(get.Code == 0, get.Err);
        Assert.Matches("trainer-0\\s+0/1\\s+Pending\\s+0\\s+[0-9]+s", get.Out);
        var log = await KubectlAsync("logs", "trainer-0", "--tail=1");
        Assert.True(log.Code == 0, log.Err);
        Assert.Equal("epoch 2 loss 0.5\n", log.Out);
        var podUid = (await Api.GetAsync("/api/v1/namespaces/default/pods/trainer-0")).Object["metadata"]!["uid"]!.GetValue<string>();
        var ev = await Api.PostAsync("/api/v1/namespaces/default/events",
            "{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"trainer-0.1\"},\"type\":\"Normal\",\"reason\":\"TrialStarted\",\"message\":\"trial 0 started\"," +
            "\"involvedObject\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"trainer-0\",\"namespace\":\"default\",\"uid\":\"" + podUid + "\"},\"count\":1,\"source\":{\"component\":\"clustertune\"}}");
        Assert.Equal(201, ev.Code);
        var describe = await KubectlAsync("describe", "pod", "trainer-0");
        Assert.True(describe.Code == 0, describe.Err);
        Assert.Matches("Normal\\s+TrialStarted\\s+.*trial 0 started", describe.Out);
        var events = await KubectlAsync("get", "events");
        Assert.True(events.Code == 0, events.Err);
        Assert.Matches("Normal\\s+TrialStarted\\s+pod/trainer-0\\s+trial 0 started", events.Out);

        var delete = await KubectlAsync("delete", "pod", "trainer-0");
        Assert.True(delete.Code == 0, delete.Err);
    }

    [KubectlFact]
    public async Task Kubectl_server_dry_run_server_side_apply_auth_can_i_and_events_v1()
    {
        var cm = WriteFile("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: knobs\ndata:\n  lr: \"1e-4\"\n");
        var dry = await KubectlAsync("create", "-f", cm, "--dry-run=server");
        Assert.True(dry.Code == 0, dry.Err);
        Assert.Contains("configmap/knobs created (server dry run)", dry.Out);
        Assert.Equal(404, (await Api.GetAsync("/api/v1/namespaces/default/configmaps/knobs")).Code);

        var apply = await KubectlAsync("apply", "--server-side", "-f", cm);
        Assert.True(apply.Code == 0, apply.Err);
        Assert.Contains("configmap/knobs serverside-applied", apply.Out);
        var stored = (await Api.GetAsync("/api/v1/namespaces/default/configmaps/knobs")).Object;
        var entry = stored["metadata"]!["managedFields"]!.AsArray().Single()!;
        Assert.Equal("kubectl", entry["manager"]!.GetValue<string>());
        Assert.Equal("Apply", entry["operation"]!.GetValue<string>());

        // Another manager changed lr: kubectl reports the conflict with the real wording, and --force-conflicts wins.
        Assert.Equal(200, (await Api.PatchAsync("/api/v1/namespaces/default/configmaps/knobs?fieldManager=tuner", """{"data":{"lr":"3e-4"}}""", "application/merge-patch+json")).Code);
        var conflict = await KubectlAsync("apply", "--server-side", "-f", cm);
        Assert.NotEqual(0, conflict.Code);
        Assert.Contains("conflict with \"tuner\" using v1: .data.lr", conflict.Err);
        var forced = await KubectlAsync("apply", "--server-side", "--force-conflicts", "-f", cm);
        Assert.True(forced.Code == 0, forced.Err);

        var canI = await KubectlAsync("auth", "can-i", "create", "pods");
        Assert.True(canI.Code == 0, canI.Err);
        Assert.Equal("yes\n", canI.Out);

        var ev = await Api.PostAsync("/apis/events.k8s.io/v1/namespaces/default/events", """
            {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"knobs.1"},"eventTime":"2026-12-06T10:00:00.000000Z",
             "reportingController":"clustertune.io/operator","reportingInstance":"op-1","action":"Tune","reason":"KnobsChanged","type":"Normal",
             "note":"learning rate raised","regarding":{"apiVersion":"v1","kind":"ConfigMap","name":"knobs","namespace":"default"}}
            """);
        Assert.Equal(201, ev.Code);
        var events = await KubectlAsync("get", "events");
        Assert.True(events.Code == 0, events.Err);
        Assert.Matches("Normal\\s+KnobsChanged\\s+configmap/knobs\\s+learning rate raised", events.Out);
    }
}
