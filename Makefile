# ClusterTune: build, test, demo, benches. Each area adds its own targets in mk/<area>.mk:
#   APT_PACKAGES += <debian packages it needs>     (installed by `make deps`)
#   DEPS += <targets that prepare the machine>      (data cache, base model; run by `make deps`)
#   BUILD_PREREQS += <targets needed before dotnet build>
SHELL := /bin/bash
.DEFAULT_GOAL := help
CONFIG ?= Release
DOTNET ?= dotnet
# Data sets and other downloads live outside the repository.
CT_CACHE ?= $(HOME)/.cache/clustertune
export CT_CACHE
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

APT_PACKAGES :=
DEPS :=
BUILD_PREREQS :=
include $(sort $(wildcard mk/*.mk))

.PHONY: help apt deps build verify test demo demo-text
help:
	@echo "make demo   - install what is missing, build, and run a real local sweep"
	@echo "make demo-text - the second sample: spam filtering with a small pretrained transformer"
	@echo "make test   - install what is missing, build, and run every test"
	@echo "make deps   - install apt packages and prepare native code and data caches"
	@echo "make build  - build the solution ($(CONFIG))"
	@echo "make verify - check formatting and code style (.editorconfig) without changing files"
	@echo "make experiments - real fine-tuning sweeps (~30 min on 2 cores), regenerating docs/experiments.md"

apt:
	@scripts/apt-install $(sort $(APT_PACKAGES))

deps: apt $(DEPS)

build: $(BUILD_PREREQS)
	$(DOTNET) build ClusterTune.sln -c $(CONFIG) --nologo -v quiet -clp:ErrorsOnly

# Formatting and style (.editorconfig): fails on any difference, changes nothing. `dotnet format whitespace` and
# `dotnet format style` (without --verify-no-changes) apply the fixes. The build itself enforces the style rules too.
verify: $(BUILD_PREREQS)
	$(DOTNET) format whitespace ClusterTune.sln --verify-no-changes -v quiet
	$(DOTNET) format style ClusterTune.sln --verify-no-changes -v quiet

test: deps build
	@scripts/run-tests $(CONFIG)
