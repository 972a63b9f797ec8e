# Kubernetes client: bench on the embedded API server (create and watch objects/s vs raw HttpClient, informer memory).
.PHONY: bench-kubernetes
bench-kubernetes:
	$(DOTNET) run -c $(CONFIG) --project bench/kubernetes/ClusterTune.Kubernetes.Bench.csproj -- $(BENCH_ARGS)
