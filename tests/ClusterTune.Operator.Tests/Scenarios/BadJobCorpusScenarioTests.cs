using System.Text.Json;
using ClusterTune.Api.Contract;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit.Abstractions;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>Tests that measure the test process's managed heap: they run alone, not beside silos and sweeps of other tests.</summary>
[CollectionDefinition(nameof(QuietProcess), DisableParallelization = true)]
public sealed class QuietProcess;

/// <summary>
/// Issue 13 acceptance: the generated corpus of bad FineTuneJobs against the real embedded API server (CRD schema)
/// and the real operator (the validator as it applies it). Each is refused with its field path or ends
/// Validated=False naming it; a healthy sweep beside them succeeds; deleting them all completes; nothing outside the
/// checkpoint root is touched; memory stays bounded.
/// </summary>
[Collection(nameof(QuietProcess))]
public sealed class BadJobCorpusScenarioTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_bad_job_is_refused_with_its_field_path_or_fails_validation_naming_it()
    {
        await using var h = await SweepHarness.StartAsync();
        var outside = Path.Combine(h.Dir, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "precious.txt"), "user data");
        var corpus = BadJobCorpus.Generate(BadJobCorpus.Valid(), h.CheckpointRoot, outside);
        Assert.InRange(corpus.Count, 150, 1000);
        await h.StartOperatorAsync();
        await h.Client.CreateAsync(SweepHarness.GridJob("healthy", [0.1, 1.0], [0]));
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);

        var problems = new List<string>();
        var accepted = new List<BadJobCorpus.Case>();
        foreach (var c in corpus)
        {
            try
            {
                await h.Client.CustomObjects.CreateNamespacedCustomObjectAsync(c.Job, ApiGroup.Group, ApiGroup.Version, "default", FineTuneJob.Plural);
                accepted.Add(c);
            }
            catch (HttpOperationException e)
            {
                var code = (int)e.Response.StatusCode;
                if (code is < 400 or >= 500 || !e.Response.Content.Contains(c.Field, StringComparison.Ordinal))
                {
                    problems.Add($"{c.What}: refused with HTTP {code} without naming {c.Field}: {Cut(e.Response.Content)}");
                }
            }
        }

        // The accepted ones: the operator reports each as invalid, naming the field (an undecodable one by event).
        var outcomes = new Dictionary<string, string>();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (outcomes.Count < accepted.Count && DateTime.UtcNow < deadline)
        {
            var events = await h.Client.ListAllAsync<Corev1Event>("default");
            foreach (var c in accepted.Where(c => !outcomes.ContainsKey(c.Name)))
            {
                if (await ValidatedFalseMessageAsync(h, c.Name) is { } message)
                {
                    outcomes[c.Name] = message;
                }
                else if (events.FirstOrDefault(e => e.InvolvedObject.Name == c.Name && e.Reason == EventReasons.ObjectUndecodable) is { } ev)
                {
                    outcomes[c.Name] = ev.Message;
                }
            }
            await Task.Delay(200);
        }
        foreach (var c in accepted.Where(c => !outcomes.ContainsKey(c.Name)))
        {
            var raw = (JsonElement)await h.Client.CustomObjects.GetNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, "default", FineTuneJob.Plural, c.Name);
            problems.Add($"{c.What}: accepted and never reported invalid; status {Cut(raw.TryGetProperty("status", out var st) ? st.GetRawText() : "none")}");
            outcomes[c.Name] = "";
        }
        foreach (var c in accepted)
        {
            var leaf = c.Field.Split('.')[^1];
            if (!outcomes[c.Name].Contains(c.Field, StringComparison.Ordinal) && !outcomes[c.Name].Contains(leaf, StringComparison.Ordinal))
            {
                problems.Add($"{c.What}: accepted, then reported without naming {c.Field}: {Cut(outcomes[c.Name])}");
            }
        }
        output.WriteLine($"{corpus.Count} bad jobs: {corpus.Count - accepted.Count} refused by the API server, {accepted.Count} reported invalid by the operator");
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // The same corpus again: whatever the first pass left (pools, caches) is not added to a second time.
        var afterFirst = GC.GetTotalMemory(forceFullCollection: true);
        foreach (var c in corpus)
        {
            try
            {
                await h.Client.CustomObjects.CreateNamespacedCustomObjectAsync(c.Job, ApiGroup.Group, ApiGroup.Version, "default", FineTuneJob.Plural);
                problems.Add($"{c.What}: created a second time");
            }
            catch (HttpOperationException e) when ((int)e.Response.StatusCode is >= 400 and < 500)
            {
            }
        }
        var secondPass = GC.GetTotalMemory(forceFullCollection: true) - afterFirst;
        output.WriteLine($"managed heap: +{(afterFirst - memoryBefore) >> 20} MB after the first pass, {secondPass >> 20:+0;-0} MB over the second");
        Assert.True(secondPass < 64L << 20, $"the managed heap grew by another {secondPass >> 20} MB on the second pass");

        var healthy = await h.WaitForJobAsync("healthy", SweepHarness.Finished, TimeSpan.FromSeconds(120));
        Assert.Equal(FineTuneJobPhase.Succeeded, healthy.Status!.Phase);

        // Deleting them all completes (the finalizer's checkpoint cleanup never sticks) and touches nothing outside the root.
        foreach (var c in accepted)
        {
            await h.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, "default", FineTuneJob.Plural, c.Name);
        }

        await h.WaitUntilAsync(async () => (await h.Client.ListAsync<FineTuneJob>("default")).Items.All(j => j.Metadata.Name == "healthy"),
            "every bad job to be deleted", TimeSpan.FromSeconds(60));
        Assert.Equal(["precious.txt"], Directory.GetFileSystemEntries(outside).Select(Path.GetFileName));
        Assert.Equal(["checkpoints", "node", "outside"], Directory.GetDirectories(h.Dir).Select(Path.GetFileName).Order());
        var grown = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;
        output.WriteLine($"managed heap grew by {grown >> 20} MB in all");
        Assert.True(grown < 384L << 20, $"the managed heap grew by {grown >> 20} MB");
    }

    private static async Task<string?> ValidatedFalseMessageAsync(SweepHarness h, string name)
    {
        var raw = (JsonElement)await h.Client.CustomObjects.GetNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, "default", FineTuneJob.Plural, name);
        if (!raw.TryGetProperty("status", out var status) || !status.TryGetProperty("conditions", out var conditions))
        {
            return null;
        }

        return conditions.EnumerateArray()
            .Where(c => c.GetProperty("type").GetString() == ConditionTypes.Validated && c.GetProperty("status").GetString() == ConditionStatus.False)
            .Select(c => c.GetProperty("message").GetString())
            .FirstOrDefault();
    }

    private static string Cut(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
