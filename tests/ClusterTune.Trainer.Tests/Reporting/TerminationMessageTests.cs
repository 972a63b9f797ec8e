using System.Text.Json;
using ClusterTune.Api.Contract;
using ClusterTune.Trainer.Reporting;

namespace ClusterTune.Trainer.Tests.Reporting;

public sealed class TerminationMessageTests
{
    private static readonly TrialResult Result = new(
        TrialResult.Succeeded, 0.91, new Dictionary<string, double> { ["accuracy"] = 0.91, ["loss"] = 0.3 }, 3, 120, "/c/best", "/c/last", 1000, 0.25);

    [Fact]
    public void RoundTripsAsCamelCaseJson()
    {
        var dir = TestData.TempDir("term");
        try
        {
            var path = Path.Combine(dir, "termination-log");
            Assert.True(TerminationMessage.TryWrite(path, Result, TextWriter.Null));
            var json = File.ReadAllText(path);
            Assert.Contains("\"status\":\"succeeded\"", json);
            Assert.Contains("\"trainableFraction\":0.25", json);
            var back = JsonSerializer.Deserialize<TrialResult>(json, TerminationMessage.JsonOptions)!;
            Assert.Equal(Result.Objective, back.Objective);
            Assert.Equal(Result.Metrics["loss"], back.Metrics["loss"]);
            Assert.Equal((Result.Epoch, Result.Step, Result.LastCheckpoint), (back.Epoch, back.Step, back.LastCheckpoint));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_full_curve_fits_under_the_limit_and_an_oversized_one_loses_its_oldest_points_before_the_message()
    {
        var curve = Enumerable.Range(1, TrialResult.MaxObservations)
            .Select(e => new Api.V1Alpha1.Observation { Epoch = e, Step = e * 1000L, Value = 0.123456789012345 + e }).ToList();
        var full = TerminationMessage.Serialize(Result with { Observations = curve });
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(full) <= TerminationMessage.MaxBytes);
        Assert.Equal(TrialResult.MaxObservations, JsonSerializer.Deserialize<TrialResult>(full, TerminationMessage.JsonOptions)!.Observations!.Count);

        var huge = Enumerable.Range(1, 200).Select(e => new Api.V1Alpha1.Observation { Epoch = e, Step = e * 1000L, Value = 0.123456789012345 + e }).ToList();
        var json = TerminationMessage.Serialize(Result with { Observations = huge, Message = "kept" });
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(json) <= TerminationMessage.MaxBytes);
        var back = JsonSerializer.Deserialize<TrialResult>(json, TerminationMessage.JsonOptions)!;
        Assert.Equal("kept", back.Message);
        Assert.Equal(200, back.Observations![^1].Epoch);
        Assert.True(back.Observations!.Count < 200);
    }

    [Fact]
    public void UnwritablePathIsLoggedNotThrown()
    {
        var log = new StringWriter();
        Assert.False(TerminationMessage.TryWrite("/nonexistent-dir-ct/termination-log", Result, log));
        Assert.Contains("/nonexistent-dir-ct/termination-log", log.ToString());
        Assert.Contains("\"status\":\"succeeded\"", log.ToString());
    }

    [Fact]
    public void LongMessagesAreShortenedBelowTheKubernetesLimit()
    {
        var json = TerminationMessage.Serialize(Result with { Status = TrialResult.Failed, Message = new string('x', 10_000) });
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(json), 100, TerminationMessage.MaxBytes);
        Assert.Contains("\"status\":\"failed\"", json);
    }

    [Fact]
    public void NonFiniteValuesAreDroppedInsteadOfBreakingTheJson()
    {
        var json = TerminationMessage.Serialize(Result with { Objective = double.NaN, Metrics = new Dictionary<string, double> { ["loss"] = double.PositiveInfinity, ["accuracy"] = 0.1 } });
        Assert.DoesNotContain("objective", json);
        Assert.DoesNotContain("\"loss\"", json);
        Assert.Contains("\"accuracy\":0.1", json);
    }
}
