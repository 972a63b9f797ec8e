using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ClusterTune.Cli.Tests.EndToEnd;

/// <summary>
/// `ctune run` under a supervisor: SIGTERM or SIGINT stops its trainers gracefully (they get SIGTERM and time to
/// checkpoint) and ctune exits, leaving no trainer process behind.
/// </summary>
public sealed class RunSignalTests
{
    private const string Job = """
        apiVersion: clustertune.io/v1alpha1
        kind: FineTuneJob
        metadata: {name: sig}
        spec:
          model: {baseCheckpointUri: "file:///models/base"}
          dataset: {trainUri: "file:///data"}
          trainer:
            image: clustertune/trainer:dev
            command: ["python3", "-c", "import os, signal, sys, time\ndef term(*_):\n    open(os.path.join(os.environ['CT_CHECKPOINT_DIR'], 'stopped-gracefully'), 'w').close()\n    sys.exit(143)\nsignal.signal(signal.SIGTERM, term)\nos.makedirs(os.environ['CT_CHECKPOINT_DIR'], exist_ok=True)\nopen(os.path.join(os.environ['CT_CHECKPOINT_DIR'], 'ready'), 'w').close()\ntime.sleep(300)  # MARKER"]
            epochs: 1
          searchSpace:
            lrFactor: {type: categorical, values: [0.1, 1.0]}
          algorithm: {name: grid}
        """;

    [Theory]
    [InlineData(15)]
    [InlineData(2)]
    public async Task A_signal_stops_the_trainers_gracefully_and_ctune_exits_with_no_orphan(int signal)
    {
        var dir = Directory.CreateTempSubdirectory("ct-run-sig-").FullName;
        var marker = $"ct-run-sig-{Guid.NewGuid():N}";
        var file = Path.Combine(dir, "job.yaml");
        await File.WriteAllTextAsync(file, Job.Replace("MARKER", marker, StringComparison.Ordinal));
        // A process started in the background by a shell without job control inherits SIGINT ignored (and so would
        // this test's ctune through the test host); .NET keeps an ignored SIGINT ignored, as a background job should.
        // Start ctune the way an interactive shell or a supervisor does: SIGINT at its default, whatever ran this test.
        var start = new ProcessStartInfo("python3")
        {
            ArgumentList =
            {
                "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])",
                "dotnet", Path.Combine(AppContext.BaseDirectory, "ctune.dll"), "run", file, "--work-dir", Path.Combine(dir, "work"), "--timeout", "2m",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            // Ready = the trainer's SIGTERM handler is installed.
            int Ready() => Directory.Exists(Path.Combine(dir, "work")) ? Directory.GetFiles(Path.Combine(dir, "work"), "ready", SearchOption.AllDirectories).Length : 0;
            var clock = Stopwatch.StartNew();
            while (Ready() < 2 && clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
            {
                await Task.Delay(100);
            }

            Assert.True(Ready() == 2 && Trainers(marker).Count == 2, $"two trainers did not start\n{(process.HasExited ? $"exit {process.ExitCode}\n{await output}\n{await errors}" : "")}");

            Assert.Equal(0, Kill(process.Id, signal));
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), $"ctune run did not exit within 30 s of signal {signal}");
            var err = await errors;
            Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}\n{await output}\n{err}");
            Assert.Contains("interrupted; the sweep's state is kept in", err);
            Assert.Empty(Trainers(marker));
            var stopped = Directory.GetFiles(Path.Combine(dir, "work"), "stopped-gracefully", SearchOption.AllDirectories);
            Assert.Equal(2, stopped.Length);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            foreach (var pid in Trainers(marker))
            {
                _ = Kill(pid, 9);
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>Live trainer processes of this test, found by the marker in their command line.</summary>
    private static List<int> Trainers(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                var state = File.ReadAllText(Path.Combine(dir, "stat"));
                var status = state[(state.LastIndexOf(')') + 2)..].Split(' ')[0];
                if (cmdline.Contains(marker, StringComparison.Ordinal) && status is not ("Z" or "X"))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
        }

        return found;
    }
}
