using ClusterTune.Api.Schema;
using ClusterTune.Testing;

namespace ClusterTune.Api.Tests;

/// <summary>
/// The committed CRD YAML must equal the generator's output. To regenerate after changing the API types:
/// <c>make crds</c> (= <c>CT_UPDATE_CRDS=1 dotnet test tests/ClusterTune.Api.Tests --filter CrdGoldenTests</c>).
/// </summary>
public sealed class CrdGoldenTests
{
    private const string Regenerate = "regenerate with `make crds` (or CT_UPDATE_CRDS=1 dotnet test tests/ClusterTune.Api.Tests --filter CrdGoldenTests) and commit the result";

    private static readonly string[] Directories = [Path.Combine("charts", "clustertune", "crds"), Path.Combine("operators", "config", "crd", "bases")];
    private static readonly string KustomizationPath = Path.Combine("operators", "config", "crd", "kustomization.yaml");

    private static bool Update => Environment.GetEnvironmentVariable("CT_UPDATE_CRDS") == "1";

    public static TheoryData<string, string> Files()
    {
        var data = new TheoryData<string, string>();
        foreach (var dir in Directories)
        {
            foreach (var (file, _) in CrdGenerator.GenerateAllYaml())
            {
                data.Add(dir, file);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Committed_crd_equals_generator_output(string directory, string file)
    {
        var expected = CrdGenerator.GenerateAllYaml().Single(kv => kv.Key == file).Value;
        var path = RepoPaths.Combine(directory, file);
        if (Update)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, expected);
        }
        Assert.True(File.Exists(path), $"{Path.Combine(directory, file)} is missing; {Regenerate}.");
        var actual = File.ReadAllText(path);
        Assert.True(actual == expected, $"{Path.Combine(directory, file)} differs from the generator's output; {Regenerate}.");
    }

    [Fact]
    public void Kustomization_lists_every_crd()
    {
        var expected = "# Generated with the CRDs; do not edit. Regenerate: make crds\n"
            + "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
            + string.Concat(CrdGenerator.GenerateAllYaml().Select(kv => $"- bases/{kv.Key}\n"));
        var path = RepoPaths.Combine(KustomizationPath);
        if (Update)
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path) && File.ReadAllText(path) == expected, $"{KustomizationPath} is missing or stale; {Regenerate}.");
    }

    [Fact]
    public void No_stale_crd_files_are_left_behind()
    {
        var generated = CrdGenerator.GenerateAllYaml().Select(kv => kv.Key).ToHashSet();
        foreach (var dir in Directories)
        {
            var full = RepoPaths.Combine(dir);
            if (!Directory.Exists(full))
            {
                continue;
            }

            var stale = Directory.GetFiles(full, "*.yaml").Select(Path.GetFileName).Where(f => !generated.Contains(f!)).ToList();
            Assert.True(stale.Count == 0, $"{dir} holds CRDs the generator no longer produces: {string.Join(", ", stale)}; delete them.");
        }
    }
}
