using System.Diagnostics;
using ClusterTune.Kubernetes;
using k8s;
using k8s.Models;
using ClusterTune.Testing;

namespace ClusterTune.Operator.Tests.Hosting;

/// <summary>
/// The deployable operator process: started with a kubeconfig it takes the Lease, and on SIGTERM (what the kubelet
/// sends on a rollout) it stops and releases the Lease so a standby takes over at once, exiting 0.
/// </summary>
public sealed class OperatorProcessTests : IClassFixture<EmbeddedApiServerFixture>
{
    private readonly EmbeddedApiServerFixture _fixture;

    public OperatorProcessTests(EmbeddedApiServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task TheOperatorTakesTheLeaseAndReleasesItOnSigterm()
    {
        var dll = RepoPaths.Combine("operators", "ClusterTune.Operator", "bin", "Release", "net10.0", "ClusterTune.Operator.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the solution in Release (make build)");
        var kubeconfig = _fixture.WriteKubeconfig();
        using var client = KubeConnection.Create(KubeConnection.ForServer(_fixture.BaseAddress));
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--kubeconfig", kubeconfig, "--listen", "http://127.0.0.1:0", "--lease-namespace", "default", "--checkpoint-root", _fixture.TempDirectory },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["POD_NAME"] = "operator-under-test" },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            V1Lease? lease = null;
            for (var i = 0; i < 300 && lease?.Spec?.HolderIdentity != "operator-under-test"; i++)
            {
                await Task.Delay(100);
                lease = await client.TryGetAsync<V1Lease>("clustertune-operator-leader", "default");
            }
            Assert.Equal("operator-under-test", lease?.Spec?.HolderIdentity);

            Assert.Equal(0, Signals.Terminate(process.Id));
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(20)), "the operator did not exit within 20 s of SIGTERM");
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await output}\n{await errors}");
            lease = await client.GetAsync<V1Lease>("clustertune-operator-leader", "default");
            Assert.True(string.IsNullOrEmpty(lease.Spec?.HolderIdentity), $"the lease is still held by {lease.Spec?.HolderIdentity}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }


    private static class Signals
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int Kill(int pid, int signal);

        public static int Terminate(int pid) => Kill(pid, 15);
    }
}
