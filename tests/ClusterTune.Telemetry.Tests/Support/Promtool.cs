using System.Diagnostics;

namespace ClusterTune.Telemetry.Tests.Support;

/// <summary>Runs Debian's <c>promtool check metrics</c> (package prometheus) on an exposition.</summary>
internal static class Promtool
{
    public static string? Path { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => System.IO.Path.Combine(d, "promtool")).FirstOrDefault(File.Exists);

    public static (int ExitCode, string Output) CheckMetrics(string exposition)
    {
        var psi = new ProcessStartInfo(Path!, "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(exposition);
        p.StandardInput.Close();
        if (!p.WaitForExit(30_000))
        {
            p.Kill();
            throw new TimeoutException("promtool check metrics did not finish in 30 s");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
