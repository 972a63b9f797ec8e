using System.Text;
using ClusterTune.Cli.Commands;

namespace ClusterTune.Cli.Tests.EndToEnd;

/// <summary>Issue 13 item 2: `ctune run` refuses job files that would expand without bound, quickly and with a clear message.</summary>
public sealed class RunCommandBoundsTests
{
    // Nine levels of nine aliases each: a few hundred bytes that expand to 9^9 scalars.
    private static string BillionLaughs()
    {
        var yaml = new StringBuilder("apiVersion: clustertune.io/v1alpha1\nkind: FineTuneJob\nmetadata: {name: lol}\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var level = 1; level < 9; level++)
        {
            yaml.Append($"l{level}: &l{level} [{string.Join(", ", Enumerable.Repeat($"*l{level - 1}", 9))}]\n");
        }

        return yaml.ToString();
    }

    [Fact]
    public async Task A_billion_laughs_job_file_is_refused_without_expanding_it()
    {
        var (code, error, allocated, work) = await RunFileAsync(BillionLaughs());
        Assert.Equal(2, code);
        Assert.Contains("YAML aliases are not accepted", error);
        // Process-wide, so other tests count too; expanded, the document would need gigabytes.
        Assert.True(allocated < 500L << 20, $"{allocated >> 20} MB allocated: the aliases were expanded");
        Assert.False(Directory.Exists(work), "nothing is started");
    }

    [Fact]
    public async Task A_job_file_over_3_MiB_is_refused_before_it_is_read()
    {
        var (code, error, _, _) = await RunFileAsync("# " + new string('x', 4 << 20) + "\n");
        Assert.Equal(2, code);
        Assert.Contains("more than a FineTuneJob may have (3145728", error);
    }

    private static async Task<(int Code, string Error, long Allocated, string WorkDir)> RunFileAsync(string content)
    {
        var dir = Directory.CreateTempSubdirectory("ct-run-bounds-").FullName;
        try
        {
            var file = Path.Combine(dir, "job.yaml");
            await File.WriteAllTextAsync(file, content);
            var work = Path.Combine(dir, "work");
            using var output = new StringWriter();
            using var error = new StringWriter();
            var total = GC.GetTotalAllocatedBytes();
            var code = await Dispatcher.RunAsync(["run", file, "--work-dir", work, "--timeout", "20s"], output, error, CancellationToken.None);
            var allocated = GC.GetTotalAllocatedBytes() - total;
            return (code, error.ToString(), allocated, work);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
