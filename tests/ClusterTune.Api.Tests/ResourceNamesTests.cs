using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Api.Tests;

public sealed class ResourceNamesTests
{
    [Theory]
    [InlineData("sweep", 0, "sweep-0")]
    [InlineData("mnist-ft", 17, "mnist-ft-17")]
    public void Trial_names_are_job_dash_index(string job, int index, string expected) =>
        Assert.Equal(expected, ResourceNames.Trial(job, index));

    [Theory]
    [InlineData("sweep", 0, 1, "sweep-0-1")]
    [InlineData("mnist-ft", 17, 3, "mnist-ft-17-3")]
    public void Pod_names_are_job_dash_index_dash_attempt(string job, int index, int attempt, string expected) =>
        Assert.Equal(expected, ResourceNames.Pod(job, index, attempt));

    [Fact]
    public void Long_job_names_are_cut_with_a_hash_deterministically_and_stay_dns_labels()
    {
        var a = new string('a', 60) + "-x";
        var b = new string('a', 60) + "-y";
        foreach (var job in new[] { a, b, new string('j', 63), "ab-" + new string('c', 58) })
        {
            var pod = ResourceNames.Pod(job, 123456, 12);
            var trial = ResourceNames.Trial(job, 123456);
            Assert.True(pod.Length <= 63 && ResourceNames.IsDns1123Label(pod), pod);
            Assert.True(trial.Length <= 63 && ResourceNames.IsDns1123Label(trial), trial);
            Assert.EndsWith("-123456-12", pod);
            Assert.Equal(pod, ResourceNames.Pod(job, 123456, 12));
        }
        Assert.NotEqual(ResourceNames.Pod(a, 1, 1), ResourceNames.Pod(b, 1, 1));
        Assert.NotEqual(ResourceNames.Trial(a, 1), ResourceNames.Trial(b, 1));
    }

    [Fact]
    public void A_name_that_fits_exactly_is_not_hashed()
    {
        var job = new string('a', 59);
        Assert.Equal(job + "-1-1", ResourceNames.Pod(job, 1, 1));
        Assert.Equal(63, ResourceNames.Pod(job, 1, 1).Length);
        Assert.NotEqual(new string('a', 60) + "-1-1", ResourceNames.Pod(new string('a', 60), 1, 1));
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(0, 0)]
    public void Invalid_index_or_attempt_throws(int index, int attempt) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ResourceNames.Pod("j", index, attempt));

    [Theory]
    [InlineData("a", true)]
    [InlineData("sweep-1", true)]
    [InlineData("Sweep", false)]
    [InlineData("-a", false)]
    [InlineData("a-", false)]
    [InlineData("a.b", false)]
    [InlineData("", false)]
    public void Dns1123_labels(string name, bool ok) => Assert.Equal(ok, ResourceNames.IsDns1123Label(name));
}
