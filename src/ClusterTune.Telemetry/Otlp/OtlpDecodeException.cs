namespace ClusterTune.Telemetry.Otlp;

/// <summary>The payload is not a valid ExportMetricsServiceRequest; the receiver answers 400 (permanent) with this message.</summary>
public sealed class OtlpDecodeException : Exception
{
    /// <summary>Creates the error; <paramref name="offset"/> is the byte offset in the (decompressed) body, or -1.</summary>
    public OtlpDecodeException(string message, long offset, Exception? inner = null)
        : base(message, inner) => Offset = offset;

    /// <summary>Byte offset in the decompressed body where decoding failed, or -1 when not known (JSON structure errors).</summary>
    public long Offset { get; }
}
