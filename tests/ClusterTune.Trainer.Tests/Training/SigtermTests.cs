using System.Diagnostics;
using System.Text.Json;
using ClusterTune.Api.Contract;
using ClusterTune.Trainer.Checkpointing;
using ClusterTune.Trainer.Reporting;
using ClusterTune.Trainer.Runtime;

namespace ClusterTune.Trainer.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class SigtermTests
{
    [Fact]
    public async Task SigtermOnARealTrainerProcessLeavesALoadableCheckpointAndAStoppedResult()
    {
        var dir = TestData.TempDir("sigterm");
        try
        {
            var trainer = Path.Combine(AppContext.BaseDirectory, "ClusterTune.Trainer.dll");
            var last = Path.Combine(dir, "ckpt", TrialCheckpoint.LastName);
            // A shell starts the trainer, waits until its first epoch checkpoint exists (it is mid-training then) and
            // sends one SIGTERM, as the kubelet would. (Signals sent from the xunit host process were observed not to
            // reach the child here, while the same signal from a shell always did.)
            var script = $$"""
                dotnet "{{trainer}}" train --epochs 200 --labels-per-class 10 --batch-size 10 --eval-limit 100 --threads 1 &
                pid=$!
                i=0
                while [ ! -d "{{last}}" ] && kill -0 $pid 2>/dev/null && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done
                kill -0 $pid 2>/dev/null || { echo "trainer exited before it was signalled" >&2; wait $pid; exit 99; }
                kill -TERM $pid
                wait $pid
                """;
            var start = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(script);
            start.Environment[TrialEnv.CheckpointDir] = Path.Combine(dir, "ckpt");
            start.Environment[TrialEnv.TerminationMessagePath] = Path.Combine(dir, "termination-log");
            start.Environment[TrialEnv.Params] = """{"freezeDepth":1,"loraRank":4}""";
            start.Environment[TrialEnv.DataUri] = TestData.Root;
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var metrics = Path.Combine(dir, "ckpt", MetricsLog.FileName);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await process.WaitForExitAsync(timeout.Token);
            var log = await stderr;
            Assert.True(process.ExitCode == ExitCodes.Stopped, $"exit {process.ExitCode}: {log}");

            var result = JsonSerializer.Deserialize<TrialResult>(File.ReadAllText(Path.Combine(dir, "termination-log")), TerminationMessage.JsonOptions)!;
            Assert.Equal(TrialResult.Stopped, result.Status);
            Assert.Contains("SIGTERM", result.Message);
            var manifest = Checkpoint.ReadManifest(result.LastCheckpoint!);
            Assert.Equal(result.Step, manifest.Step);
            Assert.True(manifest.Step >= 10, $"stopped at step {manifest.Step}, before the first epoch ended"); // signalled after epoch 1 (10 steps)
            var weights = Checkpoint.LoadWeights(result.LastCheckpoint!, manifest);
            Assert.Contains("head.weight", weights.Keys);
            Assert.DoesNotContain(weights.Keys, k => k.Contains("lora", StringComparison.Ordinal));
            foreach (var t in weights.Values)
            {
                t.Dispose();
            }

            Assert.Contains(File.ReadLines(metrics), l => l.Contains(MetricNames.CheckpointSaved, StringComparison.Ordinal));
            Assert.Contains("stop requested", log);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
