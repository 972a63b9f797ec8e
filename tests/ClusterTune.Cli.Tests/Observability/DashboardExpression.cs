namespace ClusterTune.Cli.Tests.Observability;

/// <summary>One PromQL expression of a dashboard: the file, where in it (panel and refId, or variable), the text, and whether Grafana runs it as an instant query.</summary>
internal sealed record DashboardExpression(string File, string Where, string Expr, bool Instant)
{
    public override string ToString() => $"{File} {Where}: {Expr}";
}
