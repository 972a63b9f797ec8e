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
