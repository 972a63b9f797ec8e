using ClusterTune.Testing;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>Starts a dedicated server (custom options) per test class and installs the test CRDs.</summary>
public abstract class ServerHarness : IAsyncLifetime
{
    private EmbeddedApiServerFixture? _fixture;

    internal EmbeddedApiServerFixture Fixture => _fixture!;

    internal ApiClient Api { get; private set; } = null!;

    internal EmbeddedApiServer Server => Fixture.Server;

    protected virtual EmbeddedApiServerOptions Options => new() { EnableControllers = false };

    public async Task InitializeAsync()
    {
        _fixture = await EmbeddedApiServerFixture.StartAsync(Options);
        Api = new ApiClient(_fixture.Http);
        Server.InstallCrds(File.ReadAllText(TestDataPath("finetunejob-crd.yaml")));
        Server.InstallCrds(File.ReadAllText(TestDataPath("strict-crd.yaml")));
    }

    public async Task DisposeAsync()
    {
        if (_fixture is not null)
        {
            await _fixture.DisposeAsync();
        }
    }

    internal static string TestDataPath(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name);

    internal const string Jobs = "/apis/clustertune.io/v1alpha1/namespaces/default/finetunejobs";
}
