using System.Net;
using ClusterTune.ControlPlane;
using ClusterTune.Kubernetes.Config;
using ClusterTune.Kubernetes.Models;

namespace ClusterTune.Kubernetes.Tests;

public sealed class KubeConfigIntegrationTests
{
    [Fact]
    public async Task A_kubeconfig_written_by_the_embedded_server_authenticates_over_plain_http()
    {
        await using var server = await EmbeddedApiServer.StartAsync(new EmbeddedApiServerOptions { BearerToken = "s3cret", EnableControllers = false });
        var dir = Directory.CreateTempSubdirectory("ct-kc-").FullName;
        try
        {
            var path = Path.Combine(dir, "config");
            server.WriteKubeconfig(path, "kube-system");
            var options = KubeConfigLoader.LoadFromFiles([path]);
            Assert.Equal("http", options.Server.Scheme);
            Assert.Equal("kube-system", options.Namespace);
            using var client = new KubernetesClient(options);
            var ns = await client.GetAsync<Namespace>("kube-system");
            Assert.Equal("kube-system", ns.Metadata.Name);

            using var anonymous = new KubernetesClient(new KubernetesClientOptions { Server = server.BaseAddress });
            var e = await Assert.ThrowsAsync<KubernetesApiException>(() => anonymous.GetAsync<Namespace>("kube-system"));
            Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
