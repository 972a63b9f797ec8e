# Kubernetes client: bench on the embedded API server (create and watch objects/s vs raw HttpClient, informer memory).
.PHONY: bench-kubernetes
bench-kubernetes:
	$(DOTNET) run -c $(CONFIG) --project bench/kubernetes/ClusterTune.Kubernetes.Bench.csproj -- $(BENCH_ARGS)

# The operator's throughput on the embedded control plane: 50 FineTuneJobs x 4 trials applied at once.
.PHONY: bench-operator
bench-operator: build
	CT_BENCH=1 $(DOTNET) test tests/ClusterTune.Operator.Tests -c $(CONFIG) --no-build --nologo \
	  --filter "FullyQualifiedName~ThroughputScenarioTests" --logger "console;verbosity=detailed" | grep -E "jobs x|Passed!|Failed!"
