using ClusterTune.ControlPlane.NodeAgent;
using ClusterTune.Kubernetes;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>What the node agent takes from its options rather than from ClusterTune's trial contract.</summary>
public sealed class NodeAgentOptionsTests
{
    [Fact]
    public async Task The_termination_message_variable_comes_from_the_options()
    {
        await using var h = await NodeAgentHarness.StartAsync(startAgent: false);
        var options = h.Options();
        await h.StartAgentAsync(new NodeAgentOptions
        {
            NodeName = options.NodeName,
            WorkRoot = options.WorkRoot,
            ImageCommands = options.ImageCommands,
            TerminationMessagePathVariable = "RESULT_FILE",
        });
        await h.CreateAsync(NodeAgentHarness.ShellPod("custom", """printf "contract=${CT_TERMINATION_MESSAGE_PATH:-unset}" > "$RESULT_FILE" """));

        var pod = await h.WaitForPhaseAsync("custom", PodPhases.Succeeded);

        Assert.Equal("contract=unset", Assert.Single(pod.Status!.ContainerStatuses!).State!.Terminated!.Message);
    }
}
