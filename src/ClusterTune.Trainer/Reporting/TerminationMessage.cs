using System.Text;
using System.Text.Json;
using ClusterTune.Api;
using ClusterTune.Api.Contract;

namespace ClusterTune.Trainer.Reporting;

/// <summary>Writes the final <see cref="TrialResult"/> JSON (camelCase) to the termination-message path.</summary>
public static class TerminationMessage
{
    /// <summary>Kubernetes keeps at most 4096 bytes of a termination message.</summary>
    public const int MaxBytes = 4096;

    /// <summary>The API's JSON conventions (camelCase, nulls omitted), so the operator reads it with the same options.</summary>
    public static JsonSerializerOptions JsonOptions => ApiJson.Options;

    /// <summary>The JSON, with the message shortened if needed to stay under <see cref="MaxBytes"/>.</summary>
    public static string Serialize(TrialResult result)
    {
        // Strict JSON numbers: a diverged run's NaN/Infinity must not make the result unwritable.
        result = result with
        {
            Objective = result.Objective is { } o && double.IsFinite(o) ? o : null,
            Metrics = result.Metrics.Where(m => double.IsFinite(m.Value)).ToDictionary(m => m.Key, m => m.Value),
            TrainableFraction = double.IsFinite(result.TrainableFraction) ? result.TrainableFraction : 0,
        };
        var json = JsonSerializer.Serialize(result, JsonOptions);
        // The oldest curve points go first (the operator also has them from OTLP), then the message is shortened.
        while (Encoding.UTF8.GetByteCount(json) > MaxBytes && result.Observations is { Count: > 0 } curve)
        {
            result = result with { Observations = curve.Count == 1 ? null : curve.Skip(curve.Count / 2).ToList() };
            json = JsonSerializer.Serialize(result, JsonOptions);
        }

        while (Encoding.UTF8.GetByteCount(json) > MaxBytes && result.Message is { Length: > 0 } message)
        {
            result = result with { Message = message[..(message.Length / 2)] + "…" };
            json = JsonSerializer.Serialize(result, JsonOptions);
        }

        return json;
    }

    /// <summary>Writes the result; an unwritable path is logged, never fatal (the trial outcome must not depend on it).</summary>
    public static bool TryWrite(string path, TrialResult result, TextWriter diagnostics)
    {
        var json = Serialize(result);
        try
        {
            File.WriteAllText(path, json);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            diagnostics.WriteLine($"result: could not write the termination message to {path} ({e.Message}); result was: {json}");
            return false;
        }
    }
}
