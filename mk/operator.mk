# The operator's silos keep their membership in Redis on a cluster; the multi-process tests run Debian's redis-server.
APT_PACKAGES += redis-server

# Scale-out bench (issue 19, not a test): 1 vs 3 silo processes on redis-server, simulated trials (no trainer
# processes), OTLP load; prints decisions/s, latency, CPU per decision, shares per silo, writes per trial, RSS, and the
# reactivation time after a SIGKILL. docs/operator.md "Scale-out (measured)" records a run. Flags: OPERATOR_SCALE_ARGS.
.PHONY: bench-operator-scale
bench-operator-scale:
	$(DOTNET) build bench/operator-scale/ClusterTune.Operator.Scale.Bench.csproj -c Release --nologo -v quiet -clp:ErrorsOnly
	$(DOTNET) bench/operator-scale/bin/Release/net10.0/ClusterTune.Operator.Scale.Bench.dll $(OPERATOR_SCALE_ARGS)
