# libtorch binding (ClusterTune.Torch): Debian's libtorch and the C-ABI shim in src/ClusterTune.Torch/native.
# `make native` builds build/libcttorch.so incrementally (one object per .cpp, header dependencies tracked), so an
# up-to-date shim costs nothing; the .NET project copies the library into every referencing output directory.
APT_PACKAGES += libtorch-dev libopenblas0-openmp python3-torch
DEPS += native

TORCH_NATIVE_DIR := src/ClusterTune.Torch/native
TORCH_BUILD_DIR := $(TORCH_NATIVE_DIR)/build
TORCH_SHIM := $(TORCH_BUILD_DIR)/libcttorch.so
TORCH_SRCS := $(wildcard $(TORCH_NATIVE_DIR)/*.cpp)
TORCH_OBJS := $(patsubst $(TORCH_NATIVE_DIR)/%.cpp,$(TORCH_BUILD_DIR)/%.o,$(TORCH_SRCS))
TORCH_CXX ?= g++
TORCH_CXXFLAGS := -std=c++17 -O2 -fPIC -fvisibility=hidden -D_GLIBCXX_USE_CXX11_ABI=1 -Wall -Wno-unused-parameter \
  -isystem /usr/include/torch/csrc/api/include -MMD -MP
TORCH_LDFLAGS := -shared -Wl,-z,defs -Wl,--as-needed
TORCH_LIBS := -ltorch -ltorch_cpu -lc10

.PHONY: native native-clean
native: $(TORCH_SHIM)

$(TORCH_SHIM): $(TORCH_OBJS)
	$(TORCH_CXX) $(TORCH_LDFLAGS) -o $@.tmp $^ $(TORCH_LIBS) && mv -f $@.tmp $@

$(TORCH_BUILD_DIR)/%.o: $(TORCH_NATIVE_DIR)/%.cpp | $(TORCH_BUILD_DIR)
	$(TORCH_CXX) $(TORCH_CXXFLAGS) -c $< -o $@

$(TORCH_BUILD_DIR):
	mkdir -p $@

native-clean:
	rm -rf $(TORCH_BUILD_DIR)

-include $(TORCH_OBJS:.o=.d)
