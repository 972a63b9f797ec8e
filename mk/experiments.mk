# Fine-tuning experiments (issue 16). `make experiments`: real sweeps run by the operator in local mode (`ctune run`)
# on the shipped data, then docs/experiments.md and docs/experiments/*.png written from scratch (bench/experiments).
# Not part of `make test`: about 30 minutes on 2 cores. EXPERIMENTS_ARGS=--quick is a few-minute smoke run (write it
# elsewhere with --doc /tmp/x/experiments.md); --reuse rewrites the doc from the sweeps of an earlier run.
EXPERIMENTS_ARGS ?=
.PHONY: experiments
experiments: deps pretrained-text
	$(DOTNET) build src/ClusterTune.Cli/ClusterTune.Cli.csproj -c $(CONFIG) --nologo -v quiet -clp:ErrorsOnly
	$(DOTNET) build bench/experiments/ClusterTune.Experiments.csproj -c $(CONFIG) --nologo -v quiet -clp:ErrorsOnly
	$(DOTNET) bench/experiments/bin/$(CONFIG)/net10.0/ClusterTune.Experiments.dll --ctune $(CTUNE) --cache-dir "$(CT_CACHE)" \
	  --doc docs/experiments.md $(EXPERIMENTS_ARGS)
