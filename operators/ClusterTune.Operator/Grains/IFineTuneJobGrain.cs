using ClusterTune.Telemetry;
using ClusterTune.Telemetry.Ingestion;

namespace ClusterTune.Operator.Grains;

/// <summary>
/// The grain that owns one FineTuneJob's decisions (key: "namespace/name"): its reconciles, its trials' reconciles and
/// the OTLP observations of its trials. It keeps nothing that cannot be rebuilt from the API objects (docs/operator.md).
/// </summary>
public interface IFineTuneJobGrain : IGrainWithStringKey
{
    /// <summary>Something about the job changed: reconcile these work items (see <see cref="JobWorkItems"/>) soon.</summary>
    [Orleans.Concurrency.OneWay]
    Task Touch(string[] items);

    /// <summary>Takes accepted OTLP points of this job's trials; false when the grain cannot take them now (the receiver answers 503).</summary>
    Task<bool> Observe(TrialMetricRecord[] records);

    /// <summary>This silo no longer owns the job's shard: deactivate, so the next call places the grain on the owner.</summary>
    Task Release();

    /// <summary>Checks an OTLP export's trial, pod and token against the caches of the silo that holds the job's shard.</summary>
    Task<TrialAuthorization> Authorize(TrialKey trial, string? podName, string? token);

    /// <summary>Where this activation runs (silo address and process id): for tests, the scale benchmark and `kubectl`-side debugging.</summary>
    Task<GrainLocation> Where();
}

/// <summary>The silo and process of a grain activation.</summary>
[GenerateSerializer, Immutable]
public sealed record GrainLocation([property: Id(0)] string Silo, [property: Id(1)] int ProcessId);
