# The trainer program (ClusterTune.Trainer): the pretrained base model of the reference workload and the bench.
# `make pretrained` trains clustertune-cnn-v1 on Fashion-MNIST once into $(CT_PRETRAINED)
# (all 60 000 training images, 3 epochs, batch 64, LR 2e-3, 1 thread: about 45 s; 90.4 % Fashion-MNIST test
# accuracy, a base worth transferring from). The recipe is stamped next to the checkpoint: a base made with other
# flags (an older recipe) is trained again.
# python3 runs scripts/elf-weaken-version during the build (GLIBCXX_3.4.32 of libLibTorchSharp.so, docs/trainer.md).
APT_PACKAGES += python3
# Debian's PyTorch writes the foreign safetensors checkpoints PretrainedImportTests load (and is the bench's peer).
APT_PACKAGES += python3-torch
CT_MODELS ?= $(CT_CACHE)/models
CT_PRETRAINED_RUN := $(CT_MODELS)/clustertune-cnn-fashion
# The demo's base model (CT_MODEL_URI): a checkpoint directory with model.safetensors and manifest.json.
CT_PRETRAINED := $(CT_PRETRAINED_RUN)/base
TRAINER_PROJECT := src/ClusterTune.Trainer/ClusterTune.Trainer.csproj
TRAINER_DLL := src/ClusterTune.Trainer/bin/$(CONFIG)/net10.0/ClusterTune.Trainer.dll
PRETRAIN_FLAGS := --train-limit 0 --epochs 3 --batch-size 64 --lr 0.002 --seed 0 --threads 1
CT_PRETRAINED_TEXT_RUN := $(CT_MODELS)/clustertune-text-spam
TEXT_PRETRAIN_FLAGS := --model-architecture clustertune-text-v1 --epochs 3 --batch-size 64 --lr 0.001 --seed 0 --threads 2
BENCH_THREADS ?= 1
BENCH_ROUNDS ?= 5
BENCH_STEPS ?= 300

DEPS += pretrained
.PHONY: pretrained pretrained-text pretrained-clean trainer bench-trainer

trainer:
	$(DOTNET) build $(TRAINER_PROJECT) -c $(CONFIG) --nologo -v quiet -clp:ErrorsOnly

# Idempotent: an existing base checkpoint (manifest written last, atomically) made with the same flags is kept.
# $(call pretrain,RUN_DIR,FLAGS,WHAT): trains RUN_DIR/base once per recipe (the flags, stamped in RUN_DIR/recipe).
define pretrain
	@if [ -f "$(1)/base/manifest.json" ] && [ "$$(cat "$(1)/recipe" 2>/dev/null)" = "$(2)" ]; then \
	  echo "pretrained: cached in $(1)/base"; else \
	  rm -rf "$(1)" && \
	  $(MAKE) --no-print-directory trainer && \
	  echo "pretrained: training $(3) into $(1)" && \
	  start=$$(date +%s) && \
	  $(DOTNET) $(TRAINER_DLL) pretrain $(2) --data "$(CT_CACHE)/data" \
	    --checkpoint-dir "$(1)" --termination-message-path "$(1).result.json" && \
	  echo "$(2)" > "$(1)/recipe" && \
	  echo "pretrained: done in $$(( $$(date +%s) - start )) s"; fi
endef

pretrained: data
	$(call pretrain,$(CT_PRETRAINED_RUN),$(PRETRAIN_FLAGS),clustertune-cnn-v1 on Fashion-MNIST)

# The text workload's base (docs/trainer.md): masked-token pretraining on the unlabelled SpamAssassin groups. Not in
# `make deps` (the tests pretrain their own tiny base); `make demo-text` and `make experiments` need it.
pretrained-text: data
	$(call pretrain,$(CT_PRETRAINED_TEXT_RUN),$(TEXT_PRETRAIN_FLAGS),clustertune-text-v1 on the SpamAssassin corpus)

pretrained-clean:
	rm -rf "$(CT_PRETRAINED_RUN)" "$(CT_PRETRAINED_RUN).result.json" "$(CT_PRETRAINED_TEXT_RUN)" "$(CT_PRETRAINED_TEXT_RUN).result.json"

# Trainer step time against the same model and loop in Debian's PyTorch (python3-torch, same threads).
bench-trainer: data trainer
	$(DOTNET) run --project bench/trainer/ClusterTune.Bench.Trainer.csproj -c $(CONFIG) -- \
	  --data "$(CT_CACHE)/data" --threads $(BENCH_THREADS) --rounds $(BENCH_ROUNDS) --steps $(BENCH_STEPS)
