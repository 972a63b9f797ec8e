using System.Diagnostics;

namespace ClusterTune.Testing;

/// <summary>The real kubectl (found on PATH), run as a child process by the tests that need it.</summary>
public static class Kubectl
{
    /// <summary>kubectl's full path, or null when it is not on PATH (<see cref="KubectlFactAttribute"/> then skips).</summary>
    public static string? Path { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => System.IO.Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists);

    /// <summary>
    /// Runs kubectl with <paramref name="args"/> (stdin optional, closed either way) in <paramref name="workingDirectory"/>
    /// (default: the repository root) with extra <paramref name="environment"/> variables; returns the exit code and both
    /// outputs; a run longer than 60 s is killed and throws.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, string? stdin = null,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(Path ?? throw new InvalidOperationException("kubectl is not on PATH"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
        }

        p.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', psi.ArgumentList)} did not finish in 60 s");
        }

        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary><see cref="RunAsync"/>, waited for.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(IEnumerable<string> args, string? stdin = null) =>
        RunAsync(args, stdin).GetAwaiter().GetResult();
}
