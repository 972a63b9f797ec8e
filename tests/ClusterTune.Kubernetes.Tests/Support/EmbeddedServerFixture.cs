using ClusterTune.ControlPlane;
using ClusterTune.Testing;

namespace ClusterTune.Kubernetes.Tests.Support;

/// <summary>The shared embedded-server fixture with this project's options: no controllers, fast bookmarks, seeded names.</summary>
public sealed class EmbeddedServerFixture() : EmbeddedApiServerFixture(new EmbeddedApiServerOptions
{
    BookmarkInterval = TimeSpan.FromMilliseconds(500),
    // No garbage collector: tests use owner UIDs of objects that do not exist.
    EnableControllers = false,
    Random = new Random(42),
});
