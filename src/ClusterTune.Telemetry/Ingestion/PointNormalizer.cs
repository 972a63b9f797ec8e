using ClusterTune.Api.Contract;
using ClusterTune.Telemetry.Otlp;

namespace ClusterTune.Telemetry.Ingestion;

/// <summary>
/// Pure mapping of a decoded request to trial records: identity from resource attributes, authorization from a
/// precomputed table, point validation (time 0, non-finite sums, no value), NO_RECORDED_VALUE dropped, and
/// step/epoch paired with the nearest-in-time clustertune.train.step/epoch point of the same resource in the same request.
/// </summary>
internal static class PointNormalizer
{
    /// <summary>Reads (trial, pod) from resource attributes; returns the missing keys when incomplete.</summary>
    public static bool TryGetTrial(IReadOnlyDictionary<string, string> attributes, out TrialKey trial, out string? pod, out string missing)
    {
        attributes.TryGetValue(ResourceAttributes.K8sNamespaceName, out var ns);
        attributes.TryGetValue(ResourceAttributes.JobName, out var job);
        attributes.TryGetValue(ResourceAttributes.TrialName, out var name);
        pod = attributes.TryGetValue(ResourceAttributes.K8sPodName, out var p) && p.Length > 0 ? p : null;
        var absent = new List<string>();
        if (string.IsNullOrEmpty(ns))
        {
            absent.Add(ResourceAttributes.K8sNamespaceName);
        }
        if (string.IsNullOrEmpty(job))
        {
            absent.Add(ResourceAttributes.JobName);
        }
        if (string.IsNullOrEmpty(name))
        {
            absent.Add(ResourceAttributes.TrialName);
        }
        missing = string.Join(", ", absent);
        trial = absent.Count == 0 ? new TrialKey(ns!, job!, name!) : default;
        return absent.Count == 0;
    }

    public static NormalizedBatch Normalize(
        OtlpExportRequest request,
        IReadOnlyDictionary<(TrialKey Trial, string? Pod), TrialAuthorization> authorizations)
    {
        var records = new List<TrialMetricRecord>();
        var rejections = new Dictionary<PointRejectionReason, long>();
        var examples = new Dictionary<PointRejectionReason, string>();
        long dropped = 0;

        void Reject(PointRejectionReason reason, long n, Func<string> example)
        {
            if (n <= 0)
            {
                return;
            }
            rejections[reason] = rejections.GetValueOrDefault(reason) + n;
            if (!examples.ContainsKey(reason))
            {
                examples[reason] = example();
            }
        }

        foreach (var resource in request.ResourceMetrics)
        {
            if (!TryGetTrial(resource.Attributes, out var trial, out var pod, out var missing))
            {
                int n = resource.DataPointCount;
                Reject(PointRejectionReason.MissingTrialAttributes, n,
                    () => $"resource attributes missing {missing} (set them in OTEL_RESOURCE_ATTRIBUTES)");
                continue;
            }
            var auth = authorizations.TryGetValue((trial, pod), out var a) ? a : TrialAuthorization.UnknownTrial;
            if (auth != TrialAuthorization.Accepted)
            {
                var reason = auth switch
                {
                    TrialAuthorization.InvalidToken => PointRejectionReason.InvalidToken,
                    TrialAuthorization.PodMismatch => PointRejectionReason.PodMismatch,
                    _ => PointRejectionReason.UnknownTrial,
                };
                Reject(reason, resource.DataPointCount, () => reason switch
                {
                    PointRejectionReason.InvalidToken => $"trial {trial}: missing or wrong {TrialEnv.TokenHeader} header (send the trial's {TrialEnv.Token})",
                    PointRejectionReason.PodMismatch => $"trial {trial}: pod {pod} does not belong to this trial",
                    _ => $"trial {trial} is unknown or finished",
                });
                continue;
            }

            var steps = new List<(ulong Time, long Value)>();
            var epochs = new List<(ulong Time, long Value)>();
            foreach (var scope in resource.ScopeMetrics)
            {
                foreach (var m in scope.Metrics)
                {
                    var target = m.Name == MetricNames.TrainStep ? steps : m.Name == MetricNames.TrainEpoch ? epochs : null;
                    if (target is null)
                    {
                        continue;
                    }
                    foreach (var p in m.NumberDataPoints)
                    {
                        if (p.TimeUnixNano != 0 && !p.NoRecordedValue && p.ValueKind != OtlpNumberValueKind.None && double.IsFinite(p.Value))
                        {
                            target.Add((p.TimeUnixNano, (long)Math.Round(p.Value)));
                        }
                    }
                }
            }
            long? StepAt(ulong t) => Nearest(steps, t);
            long? EpochAt(ulong t) => Nearest(epochs, t);

            // Shared admission: NO_RECORDED_VALUE is dropped, time 0 and type-specific invalid values are rejected.
            bool Admit(OtlpMetric m, bool noRecordedValue, ulong time, PointRejectionReason? invalid, Func<string> why)
            {
                if (noRecordedValue)
                {
                    dropped++;
                    return false;
                }
                if (time == 0)
                {
                    Reject(PointRejectionReason.ZeroTimestamp, 1, () => $"metric {m.Name}: time_unix_nano is 0 (set the point time)");
                    return false;
                }
                if (invalid is { } reason)
                {
                    Reject(reason, 1, () => $"metric {m.Name}: {why()}");
                    return false;
                }
                return true;
            }

            foreach (var scope in resource.ScopeMetrics)
            {
                foreach (var m in scope.Metrics)
                {
                    dropped += m.ExponentialHistogramDataPointCount;
                    bool isSum = m.Kind == OtlpMetricKind.Sum;
                    var kind = isSum ? MetricPointKind.Sum : MetricPointKind.Gauge;
                    foreach (var p in m.NumberDataPoints)
                    {
                        // A non-finite gauge is rejected as a point too: accepted, a NaN "objective" from anyone holding
                        // (or guessing) a token would fail the trial; a trainer reports its own divergence in its result.
                        var invalid = p.ValueKind == OtlpNumberValueKind.None ? PointRejectionReason.MissingValue
                            : !double.IsFinite(p.Value) ? PointRejectionReason.NonFiniteValue
                            : (PointRejectionReason?)null;
                        if (Admit(m, p.NoRecordedValue, p.TimeUnixNano, invalid,
                            () => invalid == PointRejectionReason.MissingValue ? "data point has neither as_double nor as_int" : $"{(isSum ? "Sum" : "Gauge")} value {p.Value} is not finite"))
                        {
                            records.Add(new TrialMetricRecord(trial, m.Name, m.Unit, kind, isSum ? m.Temporality : OtlpAggregationTemporality.Unspecified,
                                isSum && m.IsMonotonic, p.Attributes, p.StartTimeUnixNano, p.TimeUnixNano, p.Value, null,
                                StepAt(p.TimeUnixNano), EpochAt(p.TimeUnixNano)));
                        }
                    }
                    foreach (var p in m.HistogramDataPoints)
                    {
                        bool bad = p.Sum is { } s && !double.IsFinite(s);
                        if (Admit(m, p.NoRecordedValue, p.TimeUnixNano, bad ? PointRejectionReason.NonFiniteValue : null, () => $"histogram sum {p.Sum} is not finite"))
                        {
                            records.Add(new TrialMetricRecord(trial, m.Name, m.Unit, MetricPointKind.Histogram, m.Temporality, false,
                                p.Attributes, p.StartTimeUnixNano, p.TimeUnixNano, p.Sum ?? double.NaN, p.Count,
                                StepAt(p.TimeUnixNano), EpochAt(p.TimeUnixNano)));
                        }
                    }
                    foreach (var p in m.SummaryDataPoints)
                    {
                        bool bad = !double.IsFinite(p.Sum);
                        if (Admit(m, p.NoRecordedValue, p.TimeUnixNano, bad ? PointRejectionReason.NonFiniteValue : null, () => $"summary sum {p.Sum} is not finite"))
                        {
                            records.Add(new TrialMetricRecord(trial, m.Name, m.Unit, MetricPointKind.Summary, OtlpAggregationTemporality.Unspecified, false,
                                p.Attributes, p.StartTimeUnixNano, p.TimeUnixNano, p.Sum, p.Count,
                                StepAt(p.TimeUnixNano), EpochAt(p.TimeUnixNano)));
                        }
                    }
                }
            }
        }
        return new NormalizedBatch(records, rejections, examples, dropped);
    }

    /// <summary>
    /// The value whose time is nearest to <paramref name="time"/> (ties: the earlier). SDKs stamp each metric of one
    /// collection separately (microseconds apart), so exact equality of time_unix_nano would miss the pairing.
    /// </summary>
    internal static long? Nearest(List<(ulong Time, long Value)> points, ulong time)
    {
        long? best = null;
        ulong bestDistance = ulong.MaxValue;
        ulong bestTime = 0;
        foreach (var (t, v) in points)
        {
            ulong d = t > time ? t - time : time - t;
            if (d < bestDistance || (d == bestDistance && t < bestTime))
            {
                best = v;
                bestDistance = d;
                bestTime = t;
            }
        }
        return best;
    }

    /// <summary>One-line partial_success message: total and each reason with its first example.</summary>
    public static string? Describe(NormalizedBatch batch, int totalPoints)
    {
        if (batch.Rejected == 0)
        {
            return null;
        }
        var parts = batch.Rejections.OrderBy(kv => kv.Key)
            .Select(kv => $"{kv.Value} {kv.Key}: {batch.FirstExample[kv.Key]}");
        return $"rejected {batch.Rejected} of {totalPoints} data points; " + string.Join("; ", parts);
    }
}
