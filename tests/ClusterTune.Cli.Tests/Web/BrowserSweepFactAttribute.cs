namespace ClusterTune.Cli.Tests.Web;

/// <summary>
/// A fact that needs Debian's chromium (mk/web.mk installs it; `make test` runs `make deps` first) and what a real
/// local sweep needs; skipped, with the reason, only when one of them is truly absent.
/// </summary>
public sealed class BrowserSweepFactAttribute : FactAttribute
{
    public BrowserSweepFactAttribute()
    {
        Skip = Browser.Path is null
            ? "chromium not found on PATH: install Debian's chromium package (make deps does, via mk/web.mk)"
            : LocalSweepPrerequisites.Missing();
    }
}
