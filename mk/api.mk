# API area: the CRD YAML (charts/clustertune/crds, operators/config/crd) is generated from the C# types in
# src/ClusterTune.Api; tests/ClusterTune.Api.Tests fails when the committed copy differs. `make crds` rewrites it.
.PHONY: crds
crds:
	CT_UPDATE_CRDS=1 $(DOTNET) test tests/ClusterTune.Api.Tests -c $(CONFIG) --nologo --filter "FullyQualifiedName~CrdGoldenTests"
