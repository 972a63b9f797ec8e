using System.Globalization;
using System.IO.Compression;
using ClusterTune.Api.Contract;
using ClusterTune.Telemetry.Otlp;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterTune.Telemetry.Ingestion;

/// <summary>
/// OTLP/HTTP metrics receiver (POST /v1/metrics): protobuf or JSON, optional gzip, body caps before and after
/// decompression, trial authorization per resource, partial_success for rejected points, 429/503 with Retry-After.
/// </summary>
public sealed partial class OtlpMetricsReceiver
{
    /// <summary>Media type of binary protobuf OTLP bodies.</summary>
    public const string ProtobufContentType = "application/x-protobuf";

    /// <summary>Media type of OTLP JSON bodies.</summary>
    public const string JsonContentType = "application/json";

    private readonly ITrialTokenValidator _validator;
    private readonly ITrialMetricsSink _sink;
    private readonly OtlpReceiverOptions _options;
    private readonly IOtlpReceiverObserver? _observer;
    private readonly ILogger _logger;

    /// <summary>Creates a receiver that authorizes through <paramref name="validator"/> and hands points to <paramref name="sink"/>.</summary>
    /// <param name="validator">Decides whether a resource's trial and the request token are valid.</param>
    /// <param name="sink">Receives accepted records; may refuse with Throttled/Unavailable.</param>
    /// <param name="options">Limits (null: defaults).</param>
    /// <param name="observer">Optional counters (e.g. <see cref="Catalog.ClusterTuneMetrics"/>).</param>
    /// <param name="logger">Optional logger.</param>
    public OtlpMetricsReceiver(
        ITrialTokenValidator validator,
        ITrialMetricsSink sink,
        OtlpReceiverOptions? options = null,
        IOtlpReceiverObserver? observer = null,
        ILogger<OtlpMetricsReceiver>? logger = null)
    {
        _validator = validator ?? throw new ArgumentNullException(nameof(validator));
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _options = options ?? new OtlpReceiverOptions();
        _options.Validate();
        _observer = observer;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>What checks each export's trial and token.</summary>
    public ITrialTokenValidator Validator => _validator;

    /// <summary>Handles one HTTP request end to end; never lets a decode error escape as a 500.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        bool? json = ParseMediaType(request.ContentType);
        if (json is null)
        {
            await WriteStatusAsync(context, false, StatusCodes.Status415UnsupportedMediaType,
                $"unsupported Content-Type '{request.ContentType}': send {ProtobufContentType} or {JsonContentType}", null);
            return;
        }
        string encoding = request.Headers.ContentEncoding.ToString().Trim();
        bool gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            await WriteStatusAsync(context, json.Value, StatusCodes.Status415UnsupportedMediaType,
                $"unsupported Content-Encoding '{encoding}': send gzip or no encoding", null);
            return;
        }
        if (request.ContentLength > _options.MaxRequestBodyBytes)
        {
            await WriteStatusAsync(context, json.Value, StatusCodes.Status413PayloadTooLarge,
                $"request body of {request.ContentLength} bytes exceeds the limit of {_options.MaxRequestBodyBytes} bytes; export smaller batches", null);
            return;
        }

        byte[]? body;
        try
        {
            body = await ReadCappedAsync(request.Body, _options.MaxRequestBodyBytes, context.RequestAborted);
        }
        catch (BadHttpRequestException e)
        {
            await WriteStatusAsync(context, json.Value, e.StatusCode, $"bad request body: {e.Message}", null);
            return;
        }
        if (body is null)
        {
            await WriteStatusAsync(context, json.Value, StatusCodes.Status413PayloadTooLarge,
                $"request body exceeds the limit of {_options.MaxRequestBodyBytes} bytes; export smaller batches", null);
            return;
        }
        if (gzip)
        {
            var compressed = body;
            try
            {
                using var gz = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
                body = await ReadCappedAsync(gz, _options.MaxDecompressedBodyBytes, context.RequestAborted);
            }
            catch (InvalidDataException e)
            {
                await WriteStatusAsync(context, json.Value, StatusCodes.Status400BadRequest, $"invalid gzip body: {e.Message}", null);
                return;
            }
            // GZipStream ends quietly at a truncated stream: the trailer's ISIZE (length mod 2^32) must match.
            if (body is not null && !GzipTrailerMatches(compressed, body.LongLength))
            {
                await WriteStatusAsync(context, json.Value, StatusCodes.Status400BadRequest,
                    "invalid gzip body: the stream is truncated (its length trailer does not match the decompressed size)", null);
                return;
            }
            if (body is null)
            {
                await WriteStatusAsync(context, json.Value, StatusCodes.Status413PayloadTooLarge,
                    $"decompressed body exceeds the limit of {_options.MaxDecompressedBodyBytes} bytes; export smaller batches", null);
                return;
            }
        }
        _observer?.OnRequestBody(body.LongLength);

        OtlpExportRequest decoded;
        try
        {
            decoded = json.Value ? OtlpJsonDecoder.Decode(body) : OtlpProtobufDecoder.Decode(body);
        }
        catch (OtlpDecodeException e)
        {
            await WriteStatusAsync(context, json.Value, StatusCodes.Status400BadRequest, e.Message, null);
            return;
        }

        string? token = request.Headers.TryGetValue(TrialEnv.TokenHeader, out var t) ? t.ToString() : null;
        var result = await ReceiveAsync(decoded, token, context.RequestAborted);
        if (result.StatusCode != StatusCodes.Status200OK)
        {
            await WriteStatusAsync(context, json.Value, result.StatusCode, result.Message ?? "", result.RetryAfter);
            return;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = json.Value ? JsonContentType : ProtobufContentType;
        var payload = json.Value
            ? OtlpResponseEncoder.ExportResponseJson(result.RejectedPoints, result.Message)
            : OtlpResponseEncoder.ExportResponseProtobuf(result.RejectedPoints, result.Message);
        response.ContentLength = payload.Length;
        await response.Body.WriteAsync(payload, context.RequestAborted);
    }

    /// <summary>Authorizes, normalizes and hands a decoded request to the sink (the HTTP-free core of the receiver).</summary>
    /// <param name="request">Decoded request.</param>
    /// <param name="token">Value of the token header, or null.</param>
    /// <param name="cancellationToken">Abort token.</param>
    public async ValueTask<OtlpReceiveResult> ReceiveAsync(OtlpExportRequest request, string? token, CancellationToken cancellationToken)
    {
        var auth = new Dictionary<(TrialKey, string?), TrialAuthorization>();
        try
        {
            foreach (var resource in request.ResourceMetrics)
            {
                if (PointNormalizer.TryGetTrial(resource.Attributes, out var trial, out var pod, out _) && !auth.ContainsKey((trial, pod)))
                {
                    auth[(trial, pod)] = await _validator.AuthorizeAsync(trial, pod, token, cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogValidatorFailed(_logger, e);
            return Refused(StatusCodes.Status503ServiceUnavailable, "trial validation failed temporarily; retry later", _options.FailureRetryAfter);
        }

        var batch = PointNormalizer.Normalize(request, auth);
        int total = request.DataPointCount;
        if (batch.Records.Count > 0)
        {
            SinkWriteResult written;
            try
            {
                written = await _sink.WriteAsync(batch.Records, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSinkFailed(_logger, e);
                written = SinkWriteResult.Unavailable(_options.FailureRetryAfter);
            }
            if (written.Status == SinkWriteStatus.Throttled)
            {
                return Refused(StatusCodes.Status429TooManyRequests, "metrics ingestion is over capacity; retry after the Retry-After delay", written.RetryAfter);
            }
            if (written.Status == SinkWriteStatus.Unavailable)
            {
                return Refused(StatusCodes.Status503ServiceUnavailable, "metrics ingestion is unavailable; retry after the Retry-After delay", written.RetryAfter);
            }
        }
        var result = new OtlpReceiveResult(StatusCodes.Status200OK, batch.Records.Count, batch.Rejected, batch.Dropped,
            PointNormalizer.Describe(batch, total), null, batch.Rejections);
        _observer?.OnResult(result);
        if (result.RejectedPoints > 0)
        {
            LogPartialSuccess(_logger, result.Message ?? "");
        }
        return result;
    }

    private OtlpReceiveResult Refused(int status, string message, TimeSpan retryAfter)
    {
        var result = new OtlpReceiveResult(status, 0, 0, 0, message, retryAfter, new Dictionary<PointRejectionReason, long>());
        _observer?.OnResult(result);
        return result;
    }

    /// <summary>Maps a Content-Type to JSON (true), protobuf (false) or unsupported (null); parameters are ignored.</summary>
    internal static bool? ParseMediaType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }
        int semi = contentType.IndexOf(';');
        var media = (semi >= 0 ? contentType[..semi] : contentType).Trim();
        if (media.Equals(ProtobufContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (media.Equals(JsonContentType, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return null;
    }

    /// <summary>Reads at most <paramref name="cap"/> bytes; returns null when the stream holds more.</summary>
    private static async Task<byte[]?> ReadCappedAsync(Stream stream, long cap, CancellationToken cancellationToken)
    {
        using var ms = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            int n = await stream.ReadAsync(buffer, cancellationToken);
            if (n == 0)
            {
                return ms.ToArray();
            }
            if (ms.Length + n > cap)
            {
                return null;
            }
            ms.Write(buffer, 0, n);
        }
    }

    private async Task WriteStatusAsync(HttpContext context, bool json, int status, string message, TimeSpan? retryAfter)
    {
        if (status is not (StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable))
        {
            // Refusals from ReceiveAsync were already observed; these are transport/decode errors.
            _observer?.OnResult(new OtlpReceiveResult(status, 0, 0, 0, message, null, new Dictionary<PointRejectionReason, long>()));
        }
        var response = context.Response;
        response.StatusCode = status;
        if (retryAfter is { } ra)
        {
            long seconds = Math.Max(1, (long)Math.Ceiling(ra.TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
        int grpc = status switch
        {
            StatusCodes.Status429TooManyRequests => OtlpResponseEncoder.GrpcResourceExhausted,
            StatusCodes.Status503ServiceUnavailable => OtlpResponseEncoder.GrpcUnavailable,
            _ => OtlpResponseEncoder.GrpcInvalidArgument,
        };
        response.ContentType = json ? JsonContentType : ProtobufContentType;
        var payload = json ? OtlpResponseEncoder.StatusJson(grpc, message) : OtlpResponseEncoder.StatusProtobuf(grpc, message);
        response.ContentLength = payload.Length;
        await response.Body.WriteAsync(payload, context.RequestAborted);
    }

    private static bool GzipTrailerMatches(byte[] gzip, long decompressedLength) =>
        gzip.Length >= 18 && System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(gzip.AsSpan(gzip.Length - 4)) == (uint)decompressedLength;

    [LoggerMessage(Level = LogLevel.Error, Message = "Trial token validator failed; answering 503")]
    private static partial void LogValidatorFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Trial metrics sink failed; answering 503")]
    private static partial void LogSinkFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "OTLP partial success: {Message}")]
    private static partial void LogPartialSuccess(ILogger logger, string message);
}
