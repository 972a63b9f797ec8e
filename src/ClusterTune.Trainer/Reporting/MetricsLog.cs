using System.Text.Json;

namespace ClusterTune.Trainer.Reporting;

/// <summary>Appends one JSON object per metric point to metrics.jsonl: the record that exists even without OTLP.</summary>
internal sealed class MetricsLog : IDisposable
{
    public const string FileName = "metrics.jsonl";

    private readonly StreamWriter _writer;
    private readonly TimeProvider _time;

    public MetricsLog(string checkpointDir, TimeProvider time)
    {
        Directory.CreateDirectory(checkpointDir);
        Path = System.IO.Path.Combine(checkpointDir, FileName);
        _writer = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read));
        _time = time;
    }

    public string Path { get; }

    public void Append(string name, double value, long step, int epoch, IReadOnlyList<KeyValuePair<string, string>> attributes)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", _time.GetUtcNow());
            json.WriteString("name", name);
            if (double.IsFinite(value))
            {
                json.WriteNumber("value", value);
            }
            else
            {
                json.WriteString("value", double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
            }

            json.WriteNumber("step", step);
            json.WriteNumber("epoch", epoch);
            if (attributes.Count > 0)
            {
                json.WriteStartObject("attributes");
                foreach (var (k, v) in attributes)
                {
                    json.WriteString(k, v);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        Write(() => _writer.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length)));
    }

    public void Flush() => Write(_writer.Flush);

    /// <summary>Best effort: a write that failed has already been reported by <see cref="Append"/> or <see cref="Flush"/>.</summary>
    public void Dispose()
    {
        try
        {
            _writer.Dispose();
        }
        catch (IOException)
        {
        }
    }

    // The file lives on the checkpoint volume: a full disk there is the same storage failure as a checkpoint's.
    private void Write(Action write)
    {
        try
        {
            write();
        }
        catch (IOException e) when (e is not Checkpointing.CheckpointWriteException)
        {
            throw Checkpointing.CheckpointWriteException.From(e, Path);
        }
    }
}
