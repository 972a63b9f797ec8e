using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Checkpoints;
using ClusterTune.Operator.Planning;
using k8s.Models;

namespace ClusterTune.Operator.Tests.Checkpoints;

public sealed partial class CheckpointManagerTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ct-ckpt-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(T0);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static FineTuneJob Job(Action<CheckpointSpec>? change = null)
    {
        var job = new FineTuneJob
        {
            Metadata = new V1ObjectMeta { Name = "sweep", NamespaceProperty = "ml", Uid = "u" },
            Spec = new FineTuneJobSpec
            {
                Model = new ModelSpec { BaseCheckpointUri = "file:///m" },
                Dataset = new DatasetSpec { TrainUri = "file:///d" },
                Trainer = new TrainerSpec { Image = "i" },
                Checkpoints = new CheckpointSpec(),
            },
        };
        change?.Invoke(job.Spec.Checkpoints!);
        return job;
    }

    private CheckpointManager Manager() => new("file://" + _root, _time);

    private string TrialDir(int index) => Path.Combine(_root, "ml", "sweep", "trials", $"sweep-{index}");

    /// <summary>A Succeeded trial whose best/ checkpoint holds a weights file with the given content.</summary>
    private Trial Trial(int index, double? objective, string? weights = null, TrialPhase phase = TrialPhase.Succeeded)
    {
        var dir = Path.Combine(TrialDir(index), "best");
        Directory.CreateDirectory(Path.Combine(dir, "optimizer"));
        if (weights is not null)
        {
            File.WriteAllText(Path.Combine(dir, CheckpointManager.ModelFile), weights);
        }

        File.WriteAllText(Path.Combine(dir, "optimizer", "state.bin"), $"opt-{index}");
        return new Trial
        {
            Metadata = new V1ObjectMeta { Name = $"sweep-{index}", NamespaceProperty = "ml" },
            Spec = new TrialSpec { JobName = "sweep", Index = index, Params = new() { ["loraRank"] = index, ["lrFactor"] = 0.1, ["optimizer"] = "adamw" } },
            Status = new TrialStatus { Phase = phase, Objective = objective, CheckpointUri = "file://" + dir, Metrics = new() { ["accuracy"] = objective ?? 0 } },
        };
    }

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Promote_copies_the_best_checkpoint_with_provenance()
    {
        var job = Job();
        var spec = FineTuneJobDefaults.Apply(job.Spec);
        var trials = new[] { Trial(0, 0.5, "w0"), Trial(1, 0.9, "w1"), Trial(2, 0.7, "w2") };

        var result = Manager().Promote(job, spec, trials);

        Assert.True(result.Succeeded, result.Message);
        var target = Path.Combine(_root, "ml", "sweep", "best");
        Assert.Equal(target, result.PromotedUri);
        Assert.Equal(Sha("w1"), result.Sha256);
        Assert.Equal("w1", File.ReadAllText(Path.Combine(target, CheckpointManager.ModelFile)));
        Assert.Equal("opt-1", File.ReadAllText(Path.Combine(target, "optimizer", "state.bin")));

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(target, CheckpointManager.ProvenanceFile)));
        var p = doc.RootElement;
        Assert.Equal("sweep", p.GetProperty("job").GetString());
        Assert.Equal("ml", p.GetProperty("namespace").GetString());
        Assert.Equal("sweep-1", p.GetProperty("trial").GetString());
        Assert.Equal(1, p.GetProperty("index").GetInt32());
        Assert.Equal(0.9, p.GetProperty("objective").GetDouble());
        Assert.Equal("accuracy", p.GetProperty("metric").GetString());
        Assert.Equal(Sha("w1"), p.GetProperty("sha256").GetString());
        Assert.Equal(JsonValueKind.Number, p.GetProperty("params").GetProperty("loraRank").ValueKind);
        Assert.Equal("1", p.GetProperty("params").GetProperty("loraRank").GetRawText());
        Assert.Equal("adamw", p.GetProperty("params").GetProperty("optimizer").GetString());
        Assert.Equal("2026-11-22T06:00:00Z", p.GetProperty("promotedAt").GetString());
        // No temporary or old directories are left behind.
        Assert.Equal(["best", "trials"], Directory.GetFileSystemEntries(Path.Combine(_root, "ml", "sweep")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Provenance_records_the_metrics_of_the_promoted_epoch_not_the_last()
    {
        var job = Job();
        var best = Trial(1, 0.9, "w1");
        best.Status!.Metrics = new() { ["accuracy"] = 0.85, ["loss"] = 0.4 }; // the last epoch (3), worse than the best (2)
        var dir = Path.Combine(TrialDir(1), "best");
        File.WriteAllText(Path.Combine(dir, "manifest.json"),
            $$$"""{"epoch":2,"step":20,"metrics":{"accuracy":0.9,"loss":0.3},"files":{"model.safetensors":"{{{Sha("w1")}}}"}}""");

        var result = Manager().Promote(job, FineTuneJobDefaults.Apply(job.Spec), [Trial(0, 0.5, "w0"), best]);

        Assert.True(result.Succeeded, result.Message);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(result.PromotedUri!, CheckpointManager.ProvenanceFile)));
        var p = doc.RootElement;
        Assert.Equal(2, p.GetProperty("epoch").GetInt32());
        Assert.Equal(0.9, p.GetProperty("metrics").GetProperty("accuracy").GetDouble());
        Assert.Equal(0.3, p.GetProperty("metrics").GetProperty("loss").GetDouble());
        Assert.Equal(p.GetProperty("objective").GetDouble(), p.GetProperty("metrics").GetProperty("accuracy").GetDouble());
        Assert.Equal(PromotedMetrics.FromManifest, p.GetProperty("metricsSource").GetString());
    }

    [Fact]
    public void Second_promote_is_idempotent()
    {
        var job = Job();
        var spec = FineTuneJobDefaults.Apply(job.Spec);
        var trials = new[] { Trial(0, 0.5, "w0"), Trial(1, 0.9, "w1") };
        var first = Manager().Promote(job, spec, trials);
        var provenance = Path.Combine(_root, "ml", "sweep", "best", CheckpointManager.ProvenanceFile);
        var before = File.ReadAllText(provenance);

        _time.SetUtcNow(T0.AddMinutes(5));
        var second = Manager().Promote(job, spec, trials);

        Assert.True(second.Succeeded);
        Assert.Equal(first.PromotedUri, second.PromotedUri);
        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(before, File.ReadAllText(provenance)); // not copied again (promotedAt unchanged)
    }

    [Fact]
    public void A_new_best_replaces_the_promoted_one()
    {
        var job = Job();
        var spec = FineTuneJobDefaults.Apply(job.Spec);
        Manager().Promote(job, spec, [Trial(0, 0.5, "w0")]);
        _time.SetUtcNow(T0.AddMinutes(1));
        var result = Manager().Promote(job, spec, [Trial(0, 0.5, "w0"), Trial(3, 0.99, "w3")]);
        Assert.Equal(Sha("w3"), result.Sha256);
        Assert.Equal("w3", File.ReadAllText(Path.Combine(result.PromotedUri!, CheckpointManager.ModelFile)));
    }

    [Theory]
    [InlineData(1, new[] { "sweep-1" })]
    [InlineData(2, new[] { "sweep-1", "sweep-2" })]
    [InlineData(5, new[] { "sweep-1", "sweep-2", "sweep-0" })]
    public void KeepTop_prunes_the_other_trial_directories(int keepTop, string[] kept)
    {
        var job = Job(c => c.KeepTop = keepTop);
        var spec = FineTuneJobDefaults.Apply(job.Spec);
        Assert.True(Manager().ClaimJobDirectory(job, spec));
        var failed = Trial(3, null, "w3", TrialPhase.Failed);
        var trials = new[] { Trial(0, 0.5, "w0"), Trial(1, 0.9, "w1"), Trial(2, 0.7, "w2"), failed };

        var result = Manager().Promote(job, spec, trials);

        Assert.Equal(kept, result.Retained!.Select(r => r.Trial));
        Assert.Equal(trials.First(t => t.Metadata.Name == kept[0]).Status!.CheckpointUri, result.Retained![0].Uri);
        foreach (var i in Enumerable.Range(0, 4))
        {
            Assert.Equal(kept.Contains($"sweep-{i}"), Directory.Exists(TrialDir(i)));
        }

        Assert.True(Directory.Exists(result.PromotedUri)); // the promoted copy survives pruning
    }

    [Fact]
    public void Missing_checkpoint_is_a_clear_failure()
    {
        var job = Job();
        var spec = FineTuneJobDefaults.Apply(job.Spec);
        var result = Manager().Promote(job, spec, [Trial(0, 0.9, weights: null)]);

        Assert.False(result.Succeeded);
        Assert.Contains("sweep-0", result.Message);
        Assert.Contains("no checkpoint", result.Message);
        Assert.Contains(Path.Combine(TrialDir(0), "best"), result.Message);
        Assert.False(Directory.Exists(Path.Combine(_root, "ml", "sweep", "best")));
        Assert.True(Directory.Exists(TrialDir(0))); // nothing pruned on failure
    }

    [Fact]
    public void No_successful_trial_is_a_clear_failure()
    {
        var job = Job();
        var result = Manager().Promote(job, FineTuneJobDefaults.Apply(job.Spec), [Trial(0, null, "w0", TrialPhase.Failed)]);
        Assert.False(result.Succeeded);
        Assert.Contains("no trial succeeded", result.Message);
    }

    [Theory]
    [InlineData(CheckpointDeletePolicy.Retain, true, true)]
    [InlineData(CheckpointDeletePolicy.Delete, false, false)]
    [InlineData(CheckpointDeletePolicy.KeepPromoted, false, true)]
    public void DeleteForJob_follows_the_deletePolicy(CheckpointDeletePolicy policy, bool trialsKept, bool promotedKept)
    {
        var job = Job(c => c.DeletePolicy = policy);
        var spec = FineTuneJobDefaults.Apply(job.Spec);
        Assert.True(Manager().ClaimJobDirectory(job, spec));
        var promoted = Manager().Promote(job, spec, [Trial(0, 0.5, "w0"), Trial(1, 0.9, "w1")]);
        Assert.True(promoted.Succeeded);

        var message = Manager().DeleteForJob(job, spec);

        Assert.Equal(trialsKept, Directory.Exists(TrialDir(1)));
        Assert.Equal(promotedKept, File.Exists(Path.Combine(promoted.PromotedUri!, CheckpointManager.ModelFile)));
        Assert.Contains(policy switch { CheckpointDeletePolicy.Retain => "retain", CheckpointDeletePolicy.Delete => "delete", _ => "keepPromoted" }, message);
    }

    [Fact]
    public void Delete_policy_removes_a_promotePath_outside_the_job_directory()
    {
        var elsewhere = Path.Combine(_root, "exports", "best-model");
        var job = Job(c => { c.DeletePolicy = CheckpointDeletePolicy.Delete; c.PromotePath = "file://" + elsewhere; });
        var spec = FineTuneJobDefaults.Apply(job.Spec);
        Assert.True(Manager().ClaimJobDirectory(job, spec));
        var promoted = Manager().Promote(job, spec, [Trial(0, 0.5, "w0")]);
        Assert.Equal(elsewhere, promoted.PromotedUri);

        Manager().DeleteForJob(job, spec);
        Assert.False(Directory.Exists(elsewhere));
        Assert.False(Directory.Exists(Path.Combine(_root, "ml", "sweep")));
    }

    [Fact]
    public void Best_ranking_used_for_retention_matches_the_selector()
    {
        var trials = new[] { Trial(0, 0.9, "a"), Trial(1, 0.9, "b"), Trial(2, double.NaN, "c"), Trial(3, 0.1, "d") };
        Assert.Equal(["sweep-3", "sweep-0", "sweep-1"], BestTrialSelector.Rank(trials, ObjectiveDirection.Minimize).Select(t => t.Metadata.Name));
        Assert.Equal(["sweep-0", "sweep-1", "sweep-3"], BestTrialSelector.Rank(trials, ObjectiveDirection.Maximize).Select(t => t.Metadata.Name));
    }
}
