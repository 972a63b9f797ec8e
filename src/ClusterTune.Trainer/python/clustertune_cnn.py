"""clustertune-cnn-v1 in PyTorch: the module whose state_dict() names and shapes the trainer's ReferenceCnn uses.

Weights trained with this module and saved with safetensors (safetensors.torch.save_file(model.state_dict(), path))
load as CT_MODEL_URI=<file>.safetensors (docs/trainer.md, "Importing weights"). `make bench-trainer` uses the same
module as its PyTorch peer.
"""
import torch.nn as nn
import torch.nn.functional as F

WIDTH = 16
ARCHITECTURE = "clustertune-cnn-v1"


class ConvBlock(nn.Module):
    """3x3 convolution "conv" (padding 1), ReLU, optional 2x2 max pooling."""

    def __init__(self, cin, cout, pool):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.pool = pool

    def forward(self, x):
        x = F.relu(self.conv(x))
        return F.max_pool2d(x, 2) if self.pool else x


class DenseBlock(nn.Module):
    """Flatten, fully connected "fc", ReLU."""

    def __init__(self, fin, fout):
        super().__init__()
        self.fc = nn.Linear(fin, fout)

    def forward(self, x):
        return F.relu(self.fc(x.flatten(1)))


class Cnn(nn.Module):
    """stem -> blocks.0..3 -> head; names: stem.conv.*, blocks.{0,1,2}.conv.*, blocks.3.fc.*, head.*."""

    def __init__(self, classes=10):
        super().__init__()
        self.stem = ConvBlock(1, WIDTH, True)
        self.blocks = nn.Sequential(ConvBlock(WIDTH, 2 * WIDTH, False), ConvBlock(2 * WIDTH, 2 * WIDTH, True),
                                    ConvBlock(2 * WIDTH, 4 * WIDTH, True), DenseBlock(4 * WIDTH * 9, 128))
        self.head = nn.Linear(128, classes)

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))
