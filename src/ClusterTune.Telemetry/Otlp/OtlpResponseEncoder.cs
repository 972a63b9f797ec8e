using System.Globalization;
using System.Text.Json;

namespace ClusterTune.Telemetry.Otlp;

/// <summary>Encodes ExportMetricsServiceResponse (with partial_success) and google.rpc.Status bodies, protobuf or JSON.</summary>
public static class OtlpResponseEncoder
{
    /// <summary>gRPC code INVALID_ARGUMENT, used in Status bodies of permanent 4xx answers.</summary>
    public const int GrpcInvalidArgument = 3;

    /// <summary>gRPC code RESOURCE_EXHAUSTED, used with 429.</summary>
    public const int GrpcResourceExhausted = 8;

    /// <summary>gRPC code UNAVAILABLE, used with 503.</summary>
    public const int GrpcUnavailable = 14;

    /// <summary>ExportMetricsServiceResponse as protobuf; empty (all accepted) when nothing was rejected and no message.</summary>
    public static byte[] ExportResponseProtobuf(long rejectedDataPoints, string? errorMessage)
    {
        if (rejectedDataPoints == 0 && string.IsNullOrEmpty(errorMessage))
        {
            return [];
        }
        var partial = new ProtoWriter();
        if (rejectedDataPoints != 0)
        {
            partial.Varint(1, unchecked((ulong)rejectedDataPoints));
        }
        if (!string.IsNullOrEmpty(errorMessage))
        {
            partial.String(2, errorMessage);
        }
        return new ProtoWriter().Bytes(1, partial.ToArray()).ToArray();
    }

    /// <summary>ExportMetricsServiceResponse as OTLP JSON (int64 as a decimal string, lowerCamelCase keys).</summary>
    public static byte[] ExportResponseJson(long rejectedDataPoints, string? errorMessage)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            if (rejectedDataPoints != 0 || !string.IsNullOrEmpty(errorMessage))
            {
                w.WriteStartObject("partialSuccess");
                if (rejectedDataPoints != 0)
                {
                    w.WriteString("rejectedDataPoints", rejectedDataPoints.ToString(CultureInfo.InvariantCulture));
                }
                if (!string.IsNullOrEmpty(errorMessage))
                {
                    w.WriteString("errorMessage", errorMessage);
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    /// <summary>google.rpc.Status{code = 1, message = 2} as protobuf.</summary>
    public static byte[] StatusProtobuf(int grpcCode, string message)
    {
        var w = new ProtoWriter();
        if (grpcCode != 0)
        {
            w.Varint(1, unchecked((ulong)(long)grpcCode));
        }
        if (!string.IsNullOrEmpty(message))
        {
            w.String(2, message);
        }
        return w.ToArray();
    }

    /// <summary>google.rpc.Status as JSON: {"code":3,"message":"…"}.</summary>
    public static byte[] StatusJson(int grpcCode, string message)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("code", grpcCode);
            w.WriteString("message", message);
            w.WriteEndObject();
        }
        return ms.ToArray();
    }
}
