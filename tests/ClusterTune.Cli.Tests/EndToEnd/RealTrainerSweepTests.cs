using System.Diagnostics;
using System.Text.Json;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Cli.Commands;
using ClusterTune.Cli.Local;
using ClusterTune.Kubernetes;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterTune.Cli.Tests.EndToEnd;

/// <summary>
/// Local mode end to end with the real trainer (TorchSharp) on a tiny budget: the sweep succeeds, the promoted best
/// checkpoint's objective is the best trial's, and it serves as the base of a next fine-tune (hash-verified load).
/// </summary>
public sealed class RealTrainerSweepTests
{
    private static readonly string Cache = LocalCluster.DefaultCacheDirectory;

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task ATinySweepWithTheRealTrainerPromotesALoadableBestCheckpoint()
    {
        Assert.True(File.Exists(Path.Combine(Cache, "models", "clustertune-cnn-fashion", "base", "manifest.json")),
            $"the pretrained base is missing under {Cache}: run `make deps` (the README's test command does)");
        var work = Directory.CreateTempSubdirectory("ct-e2e-").FullName;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            await using var cluster = await LocalCluster.StartAsync(work, Cache, NullLoggerFactory.Instance, cpus: 2, cts.Token);
            // Local mode is not open to other users of the machine: a token on every request, in an owner-only kubeconfig.
            // Over TLS with a certificate made for this run: a client that trusts it but has no token is refused.
            var certificate = cluster.Server.Certificate!;
            Assert.Equal("https", cluster.Server.BaseAddress.Scheme);
            using (var anonymous = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c?.Thumbprint == certificate.Thumbprint })
            { BaseAddress = cluster.Server.BaseAddress })
            {
                Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/v1/namespaces")).StatusCode);
            }

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cluster.KubeconfigPath));
            // The real kubectl with the kubeconfig the README points at (it sends a bearer token only over TLS).
            var kubectl = ClusterTune.Testing.Kubectl.Path;
            Assert.True(kubectl is not null, "kubectl is not on PATH: the README's `--keep` workflow uses it");
            using (var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(kubectl, ["--kubeconfig", cluster.KubeconfigPath, "get", "namespaces", "-o", "name"])
            { RedirectStandardOutput = true, RedirectStandardError = true })!)
            {
                var listed = await p.StandardOutput.ReadToEndAsync(cts.Token);
                var error = await p.StandardError.ReadToEndAsync(cts.Token);
                await p.WaitForExitAsync(cts.Token);
                Assert.True(p.ExitCode == 0, $"kubectl get namespaces failed: {error}");
                Assert.Contains("namespace/default", listed);
            }
            var job = JobFile.Parse("""
                apiVersion: clustertune.io/v1alpha1
                kind: FineTuneJob
                metadata: {name: tiny, namespace: default}
                spec:
                  model: {baseCheckpointUri: "file:///var/cache/clustertune/models/clustertune-cnn-fashion/base", architecture: clustertune-cnn-v1}
                  dataset: {trainUri: "file:///var/cache/clustertune/data", labelsPerClass: 5}
                  trainer:
                    image: clustertune/trainer:dev
                    epochs: 2
                    batchSize: 25
                    env: [{name: CT_THREADS, value: "1"}, {name: CT_EVAL_LIMIT, value: "200"}]
                  searchSpace:
                    freezeDepth: {type: categorical, values: [1]}
                    lrFactor: {type: categorical, values: [0.1, 1.0]}
                    loraRank: {type: categorical, values: [0, 4]}
                  algorithm: {name: grid}
                  budget: {parallelism: 2}
                """, "tiny.yaml");
            await cluster.Client.CreateAsync(job, cts.Token);
            var done = await RunCommand.FollowAsync(cluster.Client, "tiny", "default", TextWriter.Null, cts.Token);

            Assert.Equal(FineTuneJobPhase.Succeeded, done.Status!.Phase);
            Assert.True(Conditions.IsTrue(done.Status.Conditions, ConditionTypes.CheckpointPromoted));
            var trials = (await cluster.Client.ListAsync<Trial>("default", ct: cts.Token)).Items;
            Assert.Equal(4, trials.Count);
            Assert.All(trials, t => Assert.Equal(TrialPhase.Succeeded, t.Status!.Phase));
            var best = trials.Where(t => t.Status!.Objective is not null).MaxBy(t => t.Status!.Objective)!;
            Assert.Equal(best.Metadata.Name, done.Status.BestTrial!.Name);
            Assert.Equal(best.Status!.Objective, done.Status.BestTrial.Objective);

            var promoted = done.Status.BestTrial.PromotedUri!;
            using (var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(promoted, "manifest.json"))))
            {
                Assert.Equal(best.Status.Objective!.Value, manifest.RootElement.GetProperty("metrics").GetProperty("accuracy").GetDouble(), 9);
            }

            // A next fine-tune from the promoted checkpoint: the trainer verifies its hashes and loads its weights.
            var next = Path.Combine(work, "next");
            var start = new ProcessStartInfo(LocalCluster.BundledTrainer)
            {
                ArgumentList = { "train", "--model", promoted, "--data", Path.Combine(Cache, "data"), "--checkpoint-dir", next, "--epochs", "1",
                    "--labels-per-class", "2", "--batch-size", "10", "--eval-limit", "50", "--termination-message-path", Path.Combine(work, "next.json") },
                RedirectStandardError = true,
            };
            using var trainer = Process.Start(start)!;
            var log = await trainer.StandardError.ReadToEndAsync(cts.Token);
            await trainer.WaitForExitAsync(cts.Token);
            Assert.True(trainer.ExitCode == 0, log);
            Assert.Contains("result: succeeded", log);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
