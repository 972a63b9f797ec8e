using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClusterTune.Kubernetes.Models;
using ClusterTune.Kubernetes.Retry;
using ClusterTune.Kubernetes.Tests.Support;
using Reply = ClusterTune.Kubernetes.Tests.Support.ScriptedHttpServer.Reply;

namespace ClusterTune.Kubernetes.Tests;

/// <summary>https servers: trust through the kubeconfig CA, the insecure flag, and client certificates.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly RSA _caKey = RSA.Create(2048);
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _serverCert;

    public TlsTests()
    {
        var caReq = new CertificateRequest("CN=clustertune-test-ca", _caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        _ca = caReq.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));

        using var serverKey = RSA.Create(2048);
        var req = new CertificateRequest("CN=kube-apiserver", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var leaf = req.Create(_ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);
        using var withKey = leaf.CopyWithPrivateKey(serverKey);
        _serverCert = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        _serverCert.Dispose();
        _ca.Dispose();
        _caKey.Dispose();
    }

    private const string PodJson = """{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","namespace":"default"}}""";

    private static KubernetesClient Client(Uri server, X509Certificate2Collection? ca = null, bool insecure = false, X509Certificate2? clientCert = null) => new(new KubernetesClientOptions
    {
        Server = server,
        CertificateAuthority = ca,
        InsecureSkipTlsVerify = insecure,
        ClientCertificate = clientCert,
        Retry = new RetryOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(20) },
        Random = new Random(5),
    });

    [Fact]
    public async Task Trusts_a_server_signed_by_the_configured_CA_and_presents_the_client_certificate()
    {
        await using var server = new ScriptedHttpServer(_ => new Reply(200, PodJson), _serverCert);
        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var selfSigned = new CertificateRequest("CN=alice", clientKey, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // The form kubeconfig gives us: PEM certificate and PEM key.
        using var clientCert = X509Certificate2.CreateFromPem(selfSigned.ExportCertificatePem(), clientKey.ExportPkcs8PrivateKeyPem());
        using var client = Client(server.BaseAddress, new X509Certificate2Collection(_ca), clientCert: clientCert);
        var pod = await client.GetAsync<Pod>("p", "default");
        Assert.Equal("p", pod.Metadata.Name);
        Assert.Equal("CN=alice", server.LastClientCertificateSubject);
    }

    [Fact]
    public async Task Rejects_a_server_whose_CA_is_not_configured_unless_insecure()
    {
        await using var server = new ScriptedHttpServer(_ => new Reply(200, PodJson), _serverCert);
        using var strict = Client(server.BaseAddress);
        await Assert.ThrowsAsync<HttpRequestException>(() => strict.GetAsync<Pod>("p", "default"));
        Assert.Empty(server.Requests);

        using var otherKey = RSA.Create(2048);
        using var otherCa = new CertificateRequest("CN=other-ca", otherKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var wrongCa = Client(server.BaseAddress, new X509Certificate2Collection(otherCa));
        await Assert.ThrowsAsync<HttpRequestException>(() => wrongCa.GetAsync<Pod>("p", "default"));

        using var insecure = Client(server.BaseAddress, insecure: true);
        try
        {
            Assert.Equal("p", (await insecure.GetAsync<Pod>("p", "default")).Metadata.Name);
        }
        catch (HttpRequestException)
        {
            Assert.Fail("server handshake error: " + server.LastHandshakeError);
        }
    }
}
