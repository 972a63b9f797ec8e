namespace ClusterTune.Telemetry.Tests.Support;

/// <summary>A fact that is skipped, with the reason, when promtool is not installed.</summary>
public sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        if (Promtool.Path is null)
        {
            Skip = "promtool not found on PATH: install Debian's prometheus package (make deps does) to validate the exposition";
        }
    }
}
