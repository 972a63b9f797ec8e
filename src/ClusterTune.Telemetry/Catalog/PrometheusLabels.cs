namespace ClusterTune.Telemetry.Catalog;

/// <summary>Label names of ClusterTune's Prometheus series (one catalog; dashboards and tests import these).</summary>
public static class PrometheusLabels
{
    public const string Namespace = "namespace";
    public const string Job = "job";
    public const string Trial = "trial";
    public const string Phase = "phase";
    /// <summary>Eval/objective metric name (accuracy, loss, …), from the point attribute "metric".</summary>
    public const string Metric = "metric";
    public const string Controller = "controller";
    /// <summary>Reconcile outcome: success, error or requeue.</summary>
    public const string Result = "result";
    public const string Verb = "verb";
    public const string Resource = "resource";
    /// <summary>HTTP status code as text.</summary>
    public const string Code = "code";
    public const string Reason = "reason";
    public const string Queue = "queue";
    /// <summary>Operator silo identity (POD_NAME).</summary>
    public const string Identity = "identity";
}
