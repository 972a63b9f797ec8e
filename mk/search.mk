# Sweep algorithms (issue 3). `make bench-search`: ClusterTune's samplers and schedulers vs grid and Optuna at equal
# trial-epoch budgets over 30 seeds. A bench, not a test: python3-optuna and python3-cmaes (Optuna's CmaEsSampler) are
# installed here, not through APT_PACKAGES.
SEARCH_BENCH_SEEDS ?= 30
.PHONY: bench-search
bench-search:
	@scripts/apt-install python3-optuna python3-cmaes
	$(DOTNET) build bench/search/ClusterTune.Search.Bench.csproj -c $(CONFIG) --nologo -v quiet -clp:ErrorsOnly
	$(DOTNET) bench/search/bin/$(CONFIG)/net10.0/ClusterTune.Search.Bench.dll --seeds $(SEARCH_BENCH_SEEDS) $(SEARCH_BENCH_ARGS)
