using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ClusterTune.Kubernetes.Config;
using ClusterTune.Kubernetes.Tests.Support;

namespace ClusterTune.Kubernetes.Tests;

public sealed class KubeConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ct-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string TwoContexts = """
        apiVersion: v1
        kind: Config
        current-context: dev
        clusters:
        - name: local
          cluster:
            server: http://127.0.0.1:6443
        - name: prod
          cluster:
            server: https://prod.example:6443
            insecure-skip-tls-verify: true
        contexts:
        - name: dev
          context: {cluster: local, user: alice, namespace: sweeps}
        - name: ops
          context: {cluster: prod, user: bob}
        users:
        - name: alice
          user:
            token: alice-token
        - name: bob
          user:
            tokenFile: tokens/bob
        """;

    [Fact]
    public async Task Uses_the_current_context_with_its_namespace_and_token()
    {
        var o = KubeConfigLoader.Parse(TwoContexts, _dir);
        Assert.Equal(new Uri("http://127.0.0.1:6443"), o.Server);
        Assert.Equal("sweeps", o.Namespace);
        Assert.False(o.InsecureSkipTlsVerify);
        Assert.Equal("alice-token", await o.Token!.GetTokenAsync(false, default));
    }

    [Fact]
    public async Task An_explicit_context_selects_cluster_user_and_resolves_tokenFile_relative_to_the_file()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "tokens"));
        await File.WriteAllTextAsync(Path.Combine(_dir, "tokens", "bob"), "bob-token\n");
        var o = KubeConfigLoader.Parse(TwoContexts, _dir, context: "ops");
        Assert.Equal("https://prod.example:6443/", o.Server.ToString());
        Assert.Equal("default", o.Namespace);
        Assert.True(o.InsecureSkipTlsVerify);
        Assert.Equal("bob-token", await o.Token!.GetTokenAsync(false, default));
    }

    [Fact]
    public void Loads_client_certificate_key_and_CA_from_data_fields()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=alice", key, HashAlgorithmName.SHA256);
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
        var yaml = $"""
            current-context: c
            clusters:
            - name: k
              cluster:
                server: https://10.0.0.1:6443
                certificate-authority-data: {B64(cert.ExportCertificatePem())}
            contexts:
            - name: c
              context: {"{"}cluster: k, user: u{"}"}
            users:
            - name: u
              user:
                client-certificate-data: {B64(cert.ExportCertificatePem())}
                client-key-data: {B64(key.ExportPkcs8PrivateKeyPem())}
            """;
        var o = KubeConfigLoader.Parse(yaml, _dir);
        Assert.NotNull(o.ClientCertificate);
        Assert.True(o.ClientCertificate!.HasPrivateKey);
        Assert.Equal("CN=alice", o.ClientCertificate.Subject);
        Assert.Single(o.CertificateAuthority!);
        Assert.Null(o.Token);
    }

    [Fact]
    public void KUBECONFIG_lists_several_files_and_the_first_definition_wins()
    {
        var a = Path.Combine(_dir, "a.yaml");
        var b = Path.Combine(_dir, "b.yaml");
        File.WriteAllText(a, """
            current-context: one
            contexts:
            - name: one
              context: {cluster: shared, user: u1}
            users:
            - name: u1
              user: {token: first}
            """);
        File.WriteAllText(b, """
            current-context: two
            clusters:
            - name: shared
              cluster: {server: "http://127.0.0.1:8001"}
            users:
            - name: u1
              user: {token: second}
            """);
        var env = new Dictionary<string, string?> { ["KUBECONFIG"] = a + Path.PathSeparator + b };
        var o = KubeConfigLoader.LoadDefault(getEnv: k => env.GetValueOrDefault(k));
        Assert.Equal(new Uri("http://127.0.0.1:8001"), o.Server);
        Assert.Equal("first", ((StaticTokenSource)o.Token!).Token);
    }

    [Theory]
    [InlineData("current-context: nope\ncontexts: []\n", "context 'nope' not found")]
    [InlineData("contexts: []\n", "no current-context")]
    [InlineData("current-context: c\ncontexts:\n- name: c\n  context: {cluster: x}\n", "cluster 'x'")]
    [InlineData("current-context: c\nclusters:\n- name: x\n  cluster: {server: 'ftp://h'}\ncontexts:\n- name: c\n  context: {cluster: x}\n", "http:// or https://")]
    [InlineData("current-context: c\nclusters:\n- name: x\n  cluster: {server: 'https://h'}\ncontexts:\n- name: c\n  context: {cluster: x, user: u}\nusers:\n- name: u\n  user:\n    exec: {command: aws}\n", "exec/auth-provider")]
    [InlineData("a: [", "not valid YAML")]
    public void Bad_kubeconfigs_fail_with_a_message_naming_the_problem(string yaml, string expected)
    {
        var e = Assert.Throws<InvalidOperationException>(() => KubeConfigLoader.Parse(yaml, _dir));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task In_cluster_config_reads_env_token_CA_and_namespace_and_re_reads_the_token()
    {
        using var key = RSA.Create(2048);
        using var ca = new CertificateRequest("CN=kube-ca", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        await File.WriteAllTextAsync(Path.Combine(_dir, "token"), "t1");
        await File.WriteAllTextAsync(Path.Combine(_dir, "ca.crt"), ca.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(_dir, "namespace"), "clustertune-system");
        var env = new Dictionary<string, string?> { ["KUBERNETES_SERVICE_HOST"] = "fd00::1", ["KUBERNETES_SERVICE_PORT"] = "443" };
        var time = new ManualTimeProvider();
        Assert.True(InClusterConfig.IsInCluster(k => env.GetValueOrDefault(k)));
        var o = InClusterConfig.Load(k => env.GetValueOrDefault(k), _dir, time);
        Assert.Equal("https://[fd00::1]/", o.Server.ToString());
        Assert.Equal("clustertune-system", o.Namespace);
        Assert.Single(o.CertificateAuthority!);
        var tokens = (FileTokenSource)o.Token!;
        Assert.Equal("t1", await tokens.GetTokenAsync(false, default));
        await File.WriteAllTextAsync(Path.Combine(_dir, "token"), "t2");
        Assert.Equal("t1", await tokens.GetTokenAsync(false, default)); // cached within the minute
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("t2", await tokens.GetTokenAsync(false, default));
        await File.WriteAllTextAsync(Path.Combine(_dir, "token"), "t3");
        Assert.Equal("t3", await tokens.GetTokenAsync(true, default)); // after a 401
        Assert.Equal(3, tokens.Reads);
    }

    [Fact]
    public void In_cluster_config_outside_a_pod_says_what_is_missing()
    {
        Assert.False(InClusterConfig.IsInCluster(_ => null));
        var e = Assert.Throws<InvalidOperationException>(() => InClusterConfig.Load(_ => null, _dir));
        Assert.Contains("KUBERNETES_SERVICE_HOST", e.Message);
    }
}
