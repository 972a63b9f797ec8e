using System.Security.Cryptography;
using ClusterTune.Operator.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClusterTune.Cli.Commands;

/// <summary>
/// `ctune ui [JOB]`: the operator's sweep page for any cluster, served on loopback from what the kubeconfig's user
/// may read. A fresh token guards its JSON (the printed URL carries it in the fragment, which browsers never send).
/// </summary>
internal static class UiCommand
{
    public const string Usage = """
        usage: ctune ui [JOB] [--listen URL] [--kubeconfig PATH] [--context NAME] [-n NAMESPACE]
          serves the sweep page (the operator's /ui/) for the namespace's sweeps until Ctrl-C and prints its URL
          --listen   where to listen (default http://127.0.0.1:0, a free loopback port)
        exit: 0 stopped with Ctrl-C, 1 the cluster unreachable, 2 bad usage
        """;

    /// <summary>Runs the command until <paramref name="ct"/> is cancelled; returns the exit code.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter @out, TextWriter err, CancellationToken ct) =>
        CommandRunner.RunAsync("ui", Usage, args, ["--listen"], [], err, async (a, c) =>
        {
            if (a.Positionals.Count > 1)
            {
                throw new UsageException($"expected at most one JOB, got {string.Join(" ", a.Positionals)}");
            }

            var source = new ClientSweepSource(c.Client, c.Namespace);
            // Fail now, with CommandRunner's message, when the cluster cannot be read.
            await source.JobsAsync(ct);
            var tokenDir = Directory.CreateTempSubdirectory("ctune-ui-");
            try
            {
                var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                var tokenFile = Path.Combine(tokenDir.FullName, "token");
                // CreateTempSubdirectory makes the directory 0700: only this user can read the token.
                await File.WriteAllTextAsync(tokenFile, token, ct);
                var builder = WebApplication.CreateSlimBuilder();
                builder.Logging.ClearProviders();
                builder.WebHost.UseUrls(a.Value("--listen") ?? "http://127.0.0.1:0");
                await using var app = builder.Build();
                app.MapSweepPages(source, tokenFile, TimeProvider.System);
                await app.StartAsync(ct);
                var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
                var url = a.Positionals.Count == 1 ? SweepPage.UrlOf(address, c.Namespace, a.Positionals[0]) : $"{address.ToString().TrimEnd('/')}{SweepPage.Path}";
                await @out.WriteLineAsync($"ctune ui: sweep page {url}#token={token} (Ctrl-C to stop)");
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                }
                await app.StopAsync(CancellationToken.None);
                return 0;
            }
            finally
            {
                tokenDir.Delete(recursive: true);
            }
        });
}
