using System.Text.Json;
using ClusterTune.Cli.Commands;
using ClusterTune.Cli.Local;

namespace ClusterTune.Cli.Tests.EndToEnd;

/// <summary>`ctune run` as the README uses it: a bad job file fails fast naming the field; a good one ends with the best checkpoint.</summary>
public sealed class RunCommandTests
{
    private static readonly string Cache = LocalCluster.DefaultCacheDirectory;

    private const string Job = """
        apiVersion: clustertune.io/v1alpha1
        kind: FineTuneJob
        metadata: {name: run-cmd}
        spec:
          model: {baseCheckpointUri: "file:///var/cache/clustertune/models/clustertune-cnn-fashion/base"}
          dataset: {trainUri: "file:///var/cache/clustertune/data", labelsPerClass: 5}
          trainer:
            image: clustertune/trainer:dev
            epochs: 1
            env: [{name: CT_EVAL_LIMIT, value: "200"}]
          searchSpace:
            freezeDepth: {type: categorical, values: [2]}
            lrFactor: {type: categorical, values: [0.1, 1.0]}
            loraRank: {type: categorical, values: [0]}
          algorithm: {name: grid}
        """;

    [Fact]
    public async Task AnInvalidJobFileExitsWith2AndNamesTheFieldAndTheFix()
    {
        var dir = Directory.CreateTempSubdirectory("ct-run-").FullName;
        var file = Path.Combine(dir, "bad.yaml");
        await File.WriteAllTextAsync(file, Job.Replace("lrFactor: {type: categorical, values: [0.1, 1.0]}", "lrFactor: {type: float, min: 0, max: 1, scale: log}"));
        var (code, output, error) = await RunAsync(["run", file, "--work-dir", Path.Combine(dir, "work")]);
        Assert.Equal(2, code);
        Assert.Contains("spec.searchSpace.lrFactor.min", error);
        Assert.Contains("positive", error);
        Assert.False(Directory.Exists(Path.Combine(dir, "work")), "nothing is started for an invalid job");
        Assert.DoesNotContain("API server", output);
    }

    [Fact]
    public async Task AGoodJobRunsLocallyAndEndsWithTheBestTrialAndItsPromotedCheckpoint()
    {
        Assert.True(File.Exists(Path.Combine(Cache, "models", "clustertune-cnn-fashion", "base", "manifest.json")),
            $"the pretrained base is missing under {Cache}: run `make deps` (the README's test command does)");
        var dir = Directory.CreateTempSubdirectory("ct-run-").FullName;
        try
        {
            var file = Path.Combine(dir, "job.yaml");
            await File.WriteAllTextAsync(file, Job);
            var (code, output, error) = await RunAsync(["run", file, "--work-dir", Path.Combine(dir, "work"), "--cache-dir", Cache, "--timeout", "3m"]);
            Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
            Assert.Contains("sweep run-cmd: Succeeded", output);
            Assert.Matches(@"ctune: sweep page http://127\.0\.0\.1:\d+/ui/\?sweep=default/run-cmd ", output);
            var line = output.Split('\n').Single(l => l.StartsWith("best checkpoint: ", StringComparison.Ordinal));
            var promoted = line["best checkpoint: ".Length..line.IndexOf(" (sha256", StringComparison.Ordinal)];
            using var provenance = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(promoted, "provenance.json")));
            var best = output.Split('\n').Single(l => l.StartsWith("best trial: ", StringComparison.Ordinal));
            Assert.Contains(provenance.RootElement.GetProperty("trial").GetString()!, best);
            Assert.Contains($"sha256 {provenance.RootElement.GetProperty("sha256").GetString()}", line);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Dispatcher.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
