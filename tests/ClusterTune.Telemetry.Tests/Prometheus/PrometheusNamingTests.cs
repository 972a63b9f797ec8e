using ClusterTune.Telemetry.Prometheus;

namespace ClusterTune.Telemetry.Tests.Prometheus;

public sealed class PrometheusNamingTests
{
    [Theory]
    [InlineData("clustertune.operator.reconcile.duration", "s", MetricType.Histogram, "clustertune_operator_reconcile_duration_seconds")]
    [InlineData("clustertune.otlp.request.size", "By", MetricType.Histogram, "clustertune_otlp_request_size_bytes")]
    [InlineData("clustertune.train.tokens", "{token}", MetricType.Counter, "clustertune_train_tokens_total")]
    [InlineData("hw.gpu.utilization", "1", MetricType.Gauge, "hw_gpu_utilization_ratio")]
    [InlineData("hw.errors", "1", MetricType.Counter, "hw_errors_total")]
    [InlineData("hw.gpu.memory.usage", "By", MetricType.Gauge, "hw_gpu_memory_usage_bytes")]
    [InlineData("clustertune.train.loss", "", MetricType.Gauge, "clustertune_train_loss")]
    [InlineData("http.server.request.duration", "ms", MetricType.Histogram, "http_server_request_duration_milliseconds")]
    [InlineData("throughput", "By/s", MetricType.Gauge, "throughput_bytes_per_second")]
    [InlineData("rate", "{req}/s", MetricType.Gauge, "rate_per_second")]
    [InlineData("already_seconds", "s", MetricType.Gauge, "already_seconds")]
    [InlineData("requests_total", "", MetricType.Counter, "requests_total")]
    [InlineData("weird-name..x", "", MetricType.Gauge, "weird_name_x")]
    [InlineData("2xx.count", "", MetricType.Gauge, "_2xx_count")]
    [InlineData("gpu.time", "h", MetricType.Gauge, "gpu_time_hours")]
    [InlineData("temp", "Cel", MetricType.Gauge, "temp_celsius")]
    public void Otel_names_map_to_prometheus_names(string otel, string unit, MetricType type, string expected) =>
        Assert.Equal(expected, PrometheusNaming.MetricName(otel, unit, type));

    [Theory]
    [InlineData("lrFactor", "lr_factor")]
    [InlineData("freezeDepth", "freeze_depth")]
    [InlineData("loraRank", "lora_rank")]
    [InlineData("learning_rate", "learning_rate")]
    [InlineData("HTTPServer", "http_server")]
    [InlineData("dropout2d", "dropout2d")]
    [InlineData("layer2Size", "layer2_size")]
    [InlineData("batch-size", "batch_size")]
    [InlineData("9lives", "_9lives")]
    [InlineData("job", "param_job")]
    [InlineData("trial", "param_trial")]
    [InlineData("le", "param_le")]
    [InlineData("__name", "param_name")]
    public void Hyperparameter_names_become_snake_case_labels_without_collisions(string parameter, string expected) =>
        Assert.Equal(expected, PrometheusNaming.ParameterLabelName(parameter, ["namespace", "job", "trial"]));
}
