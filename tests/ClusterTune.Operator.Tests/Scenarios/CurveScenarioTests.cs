using System.Text.Json;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Checkpoints;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>
/// Complete curves end to end, with no OTLP at all (the harness's operator has no endpoint): every epoch's value
/// reaches the Trial from the result's observations, and the promoted checkpoint's provenance carries the metrics
/// of the epoch it holds (epoch 2 of 4 here), not the last epoch's.
/// </summary>
public sealed class CurveScenarioTests
{
    [Fact]
    public async Task Every_epoch_is_stored_and_provenance_has_the_promoted_epochs_metrics()
    {
        await using var h = await SweepHarness.StartAsync();
        await h.StartOperatorAsync();
        await h.Client.CreateAsync(SweepHarness.GridJob("curve", [0.1, 1.0], [0], epochs: 4, env: ("CT_FAKE_PEAK_EPOCH", "2")));
        var job = await h.WaitForJobAsync("curve", SweepHarness.Finished);
        Assert.Equal(FineTuneJobPhase.Succeeded, job.Status!.Phase);

        foreach (var trial in await h.TrialsAsync("curve"))
        {
            var s = trial.Status!;
            Assert.Equal([1, 2, 3, 4], s.Observations!.Select(o => o.Epoch));
            Assert.Null(s.CurveGaps);
            Assert.Equal(s.Objective, s.Observations!.Max(o => o.Value));
            Assert.Equal(s.Observations![3].Value, s.Metrics!["accuracy"]); // status.metrics are the last epoch's
        }

        var best = job.Status.BestTrial!;
        using var provenance = JsonDocument.Parse(File.ReadAllText(Path.Combine(best.PromotedUri!, CheckpointManager.ProvenanceFile)));
        var p = provenance.RootElement;
        Assert.Equal(2, p.GetProperty("epoch").GetInt32());
        Assert.Equal(best.Objective!.Value, p.GetProperty("metrics").GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(best.Objective!.Value, p.GetProperty("objective").GetDouble(), 12);
    }
}
