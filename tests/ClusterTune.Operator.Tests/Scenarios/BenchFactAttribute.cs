namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>A measurement that runs only when asked (CT_BENCH=1, as `make bench-operator` sets); skipped with the reason otherwise.</summary>
public sealed class BenchFactAttribute : FactAttribute
{
    public BenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CT_BENCH") != "1")
        {
            Skip = "a measurement, not a gate: run it with `make bench-operator` (CT_BENCH=1)";
        }
    }
}
