namespace ClusterTune.Trainer.Checkpointing;

/// <summary>A checkpoint could not be written (full disk, quota, I/O error): the trial exits 74 and is retried.</summary>
public sealed class CheckpointWriteException(string message, Exception inner) : IOException(message, inner)
{
    private const int Enospc = 28;
    private const int Edquot = 122;
    private const int Erofs = 30;

    /// <summary>"checkpoint write failed: no space left on device at /ckpt/last" from the I/O error of a write into <paramref name="directory"/>.</summary>
    public static CheckpointWriteException From(IOException e, string directory)
    {
        var why = e.HResult switch
        {
            _ when e.HResult == Enospc || e.Message.Contains("No space left on device", StringComparison.Ordinal) => "no space left on device",
            Edquot => "disk quota exceeded",
            Erofs => "read-only file system",
            _ => e.Message,
        };
        return new CheckpointWriteException($"checkpoint write failed: {why} at {directory}", e);
    }
}
