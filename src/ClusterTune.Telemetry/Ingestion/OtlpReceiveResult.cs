namespace ClusterTune.Telemetry.Ingestion;

/// <summary>What the receiver did with one request: HTTP status, point counts, message and Retry-After.</summary>
/// <param name="StatusCode">200, 400, 413, 415, 429 or 503.</param>
/// <param name="AcceptedPoints">Points handed to the sink (0 unless 200).</param>
/// <param name="RejectedPoints">Points rejected (partial_success.rejected_data_points).</param>
/// <param name="DroppedPoints">Points dropped without counting as rejected: NO_RECORDED_VALUE, exponential histograms.</param>
/// <param name="Message">partial_success.error_message or the google.rpc.Status message; null when all was accepted.</param>
/// <param name="RetryAfter">Retry-After for 429/503, else null.</param>
/// <param name="RejectionsByReason">Rejected points per reason.</param>
public sealed record OtlpReceiveResult(
    int StatusCode,
    long AcceptedPoints,
    long RejectedPoints,
    long DroppedPoints,
    string? Message,
    TimeSpan? RetryAfter,
    IReadOnlyDictionary<PointRejectionReason, long> RejectionsByReason);
