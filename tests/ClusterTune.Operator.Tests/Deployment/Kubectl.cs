using System.Diagnostics;
using ClusterTune.Testing;

namespace ClusterTune.Operator.Tests.Deployment;

/// <summary>Runs the real kubectl (found on PATH) and the repository paths the deployment tests read.</summary>
internal static class Kubectl
{
    public static string? Path { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => System.IO.Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists);

    /// <summary>The repository root (the directory holding ClusterTune.sln).</summary>
    public static string RepoRoot => RepoPaths.Root;

    /// <summary>Runs kubectl with <paramref name="args"/> (stdin optional); returns the exit code, stdout and stderr.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(IEnumerable<string> args, string? stdin = null)
    {
        var psi = new ProcessStartInfo(Path ?? throw new InvalidOperationException("kubectl is not on PATH"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', psi.ArgumentList)} did not finish in 60 s");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
