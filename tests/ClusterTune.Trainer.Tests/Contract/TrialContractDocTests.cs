using System.Reflection;
using ClusterTune.Api.Contract;
using ClusterTune.Testing;

namespace ClusterTune.Trainer.Tests.Contract;

public sealed class TrialContractDocTests
{
    public static TheoryData<string> CatalogNames()
    {
        var data = new TheoryData<string>();
        foreach (var type in new[] { typeof(TrialEnv), typeof(MetricNames), typeof(MetricAttributes), typeof(ClusterTune.Api.Contract.ResourceAttributes), typeof(KnobNames) })
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
            {
                data.Add((string)field.GetRawConstantValue()!);
            }
        }

        foreach (var status in new[] { TrialResult.Succeeded, TrialResult.Failed, TrialResult.Stopped })
        {
            data.Add(status);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CatalogNames))]
    public void TheTrialContractDocumentNamesEveryCatalogEntry(string name) =>
        Assert.Contains(name, File.ReadAllText(RepoPaths.Combine("docs", "trial-contract.md")));
}
