namespace ClusterTune.Trainer.Runtime;

/// <summary>Process exit codes of the trainer (the termination message carries the details).</summary>
public static class ExitCodes
{
    public const int Succeeded = 0;
    /// <summary>Training failed (bad data, libtorch error, diverged); result status "failed".</summary>
    public const int Failed = 1;
    /// <summary>Bad flags, environment or CT_PARAMS; result status "failed".</summary>
    public const int Usage = 2;
    /// <summary>A checkpoint could not be written (no space left, I/O error; sysexits EX_IOERR); result status "failed", retried by the operator.</summary>
    public const int StorageError = 74;
    /// <summary>Stopped by SIGTERM after saving a checkpoint (128 + 15, what a shell reports); result status "stopped".</summary>
    public const int Stopped = 143;
}
