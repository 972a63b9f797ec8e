# Telemetry area (src/ClusterTune.Telemetry): promtool validates the Prometheus exposition in the tests
# (Debian package prometheus); bench-telemetry prints OTLP decode/ingest points/s, protobuf vs JSON in the same run.
APT_PACKAGES += prometheus
.PHONY: bench-telemetry
bench-telemetry:
	$(DOTNET) run --project bench/telemetry/ClusterTune.Telemetry.Bench.csproj -c $(CONFIG) -- 50 4 3
