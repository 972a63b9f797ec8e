using System.Text;
using System.Text.Json;
using ClusterTune.Telemetry.Otlp;
using static ClusterTune.Telemetry.Tests.Support.Pb;

namespace ClusterTune.Telemetry.Tests.Otlp;

public sealed class OtlpResponseEncoderTests
{
    [Fact]
    public void Full_success_is_an_empty_message()
    {
        Assert.Empty(OtlpResponseEncoder.ExportResponseProtobuf(0, null));
        Assert.Equal("{}", Encoding.UTF8.GetString(OtlpResponseEncoder.ExportResponseJson(0, null)));
    }

    [Fact]
    public void Partial_success_encodes_field_1_with_rejected_count_and_message()
    {
        var bytes = OtlpResponseEncoder.ExportResponseProtobuf(300, "bad");
        Assert.Equal(Len(1, Cat(Varint(1, 300), Str(2, "bad"))), bytes);
        using var doc = JsonDocument.Parse(OtlpResponseEncoder.ExportResponseJson(300, "bad"));
        var ps = doc.RootElement.GetProperty("partialSuccess");
        Assert.Equal("300", ps.GetProperty("rejectedDataPoints").GetString());
        Assert.Equal("bad", ps.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public void Status_encodes_code_1_and_message_2()
    {
        Assert.Equal(Cat(Varint(1, 3), Str(2, "invalid")), OtlpResponseEncoder.StatusProtobuf(OtlpResponseEncoder.GrpcInvalidArgument, "invalid"));
        using var doc = JsonDocument.Parse(OtlpResponseEncoder.StatusJson(14, "later"));
        Assert.Equal(14, doc.RootElement.GetProperty("code").GetInt32());
        Assert.Equal("later", doc.RootElement.GetProperty("message").GetString());
    }
}
