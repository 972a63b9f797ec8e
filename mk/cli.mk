# Local mode (`ctune`, src/ClusterTune.Cli): `make demo` runs the sample sweep in one process — embedded API server,
# process node agent (trial pods as local processes) and the operator — on the data and base model `make deps`
# prepared in $(CT_CACHE). DEMO_ARGS="--keep" leaves the API up for kubectl.
CTUNE := src/ClusterTune.Cli/bin/$(CONFIG)/net10.0/ctune
DEMO_JOB ?= operators/samples/finetunejob-demo.yaml

demo: deps build
	$(CTUNE) run $(DEMO_JOB) --cache-dir "$(CT_CACHE)" $(DEMO_ARGS)

# The second sample: a small transformer encoder pretrained on e-mail text, fine-tuned to filter spam (docs/trainer.md).
demo-text: deps pretrained-text build
	$(CTUNE) run operators/samples/finetunejob-text.yaml --cache-dir "$(CT_CACHE)" $(DEMO_ARGS)
