#!/usr/bin/env python3
"""The detector's architecture (src/Detector/Model/CenterNet.cs) and its loss (CenterNetLoss.cs) in PyTorch, as the
reference for the inference and training-step benchmarks (`dotnet run -c Release --project bench/Detector.Bench --
inference`, `-- steps`). The bench starts this script as a child process (arguments: architecture, classes, threads,
and optionally the device, cpu or cuda), writes the TorchSharp model's weights and a batch, and then asks it, turn by
turn with its own timings, to time forwards or training steps: both sides never run at the same time, so the ratio is
measured on the same machine state.

Protocol on stdin/stdout, one line each:
  load <folder>             read index.txt (name, dtype, shape per line), weights.bin, input.bin, expected.bin
                            -> "loaded <max |pytorch - torchsharp|> <max |folded - torchsharp|>"
  time <module|folded> <n>  n forwards of the batch -> "<ms per forward> <minor page faults per forward>"
  load-train <folder>       read the weights, batch.bin (images, heatmap, size, offset, mask; shapes in
                            batch-shapes.txt) and optimizer.txt (learning rate, weight decay) for training steps
                            -> "loaded-train <loss of the batch before any step>"
  train <n>                 n training steps on the batch as Trainer.Step takes them (batch copied to the device,
                            forward, loss, backward, AdamW, loss read back) -> "<ms per step> <last loss>"
  quit
"""
import os
import sys
import time
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

ARCHITECTURES = {"nano": (16, 32, 64, 32), "tiny": (24, 48, 96, 48), "small": (32, 64, 128, 64), "medium": (64, 128, 256, 128)}


class ConvBnRelu(nn.Module):
    def __init__(self, cin, cout, stride=1, kernel=3):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2, bias=False)
        self.norm = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.norm(self.conv(x)))


class ResidualBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.first = ConvBnRelu(cin, cout, stride)
        self.second = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.secondNorm = nn.BatchNorm2d(cout)
        self.shortcut = (nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))
                         if stride != 1 or cin != cout else None)

    def forward(self, x):
        residual = self.secondNorm(self.second(self.first(x)))
        return F.relu(residual + (x if self.shortcut is None else self.shortcut(x)))


def head(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cin, 3, padding=1), nn.ReLU(), nn.Conv2d(cin, cout, 1))


class CenterNet(nn.Module):
    def __init__(self, architecture, classes):
        super().__init__()
        c4, c8, c16, ch = ARCHITECTURES[architecture]
        self.stem = nn.Sequential(OrderedDict(conv1=ConvBnRelu(3, c4 // 2, 2), conv2=ConvBnRelu(c4 // 2, c4, 2),
                                              block=ResidualBlock(c4, c4, 1)))
        self.stage8 = nn.Sequential(OrderedDict(down=ResidualBlock(c4, c8, 2), block=ResidualBlock(c8, c8, 1)))
        self.stage16 = nn.Sequential(OrderedDict(down=ResidualBlock(c8, c16, 2), block=ResidualBlock(c16, c16, 1)))
        self.lateral4 = nn.Conv2d(c4, ch, 1)
        self.lateral8 = nn.Conv2d(c8, ch, 1)
        self.lateral16 = nn.Conv2d(c16, ch, 1)
        self.fuse = ConvBnRelu(ch, ch)
        self.heatmap = head(ch, classes)
        self.size = head(ch, 2)
        self.offset = head(ch, 2)

    def forward(self, x):
        f4 = self.stem(x)
        f8 = self.stage8(f4)
        f16 = self.stage16(f8)
        top = self.lateral16(f16)
        mid = self.lateral8(f8) + F.interpolate(top, scale_factor=2, mode="nearest")
        fine = self.lateral4(f4) + F.interpolate(mid, scale_factor=2, mode="nearest")
        features = self.fuse(fine)
        return torch.cat([self.heatmap(features), self.size(features), self.offset(features)], 1)


def fold(conv, norm, stride, padding):
    """The same fold as FoldedConv.cs: W' = W*s, b' = (b - mean)*s + beta, s = gamma / sqrt(var + eps)."""
    w = conv.weight.detach()
    b = conv.bias.detach() if conv.bias is not None else torch.zeros(w.shape[0])
    if norm is not None:
        s = norm.weight.detach() / (norm.running_var + norm.eps).sqrt()
        w = w * s.reshape(-1, 1, 1, 1)
        b = (b - norm.running_mean) * s + norm.bias.detach()
    w, b = w.contiguous().clone(), b.contiguous().clone()
    return lambda x: F.conv2d(x, w, b, stride, padding)


class Folded:
    """The same inference graph as InferenceCenterNet.cs: folded batch norms, in-place ReLU and sums."""

    def __init__(self, m):
        def block(r):
            return (fold(r.first.conv, r.first.norm, r.first.conv.stride[0], 1), fold(r.second, r.secondNorm, 1, 1),
                    None if r.shortcut is None else fold(r.shortcut[0], r.shortcut[1], r.shortcut[0].stride[0], 0))
        self.stem = [fold(m.stem.conv1.conv, m.stem.conv1.norm, 2, 1), fold(m.stem.conv2.conv, m.stem.conv2.norm, 2, 1)]
        self.blocks4 = [block(m.stem.block)]
        self.blocks8 = [block(m.stage8.down), block(m.stage8.block)]
        self.blocks16 = [block(m.stage16.down), block(m.stage16.block)]
        self.lateral4, self.lateral8, self.lateral16 = (fold(c, None, 1, 0) for c in (m.lateral4, m.lateral8, m.lateral16))
        self.fuse = fold(m.fuse.conv, m.fuse.norm, 1, 1)
        self.heads = [(fold(h[0], None, 1, 1), fold(h[2], None, 1, 0)) for h in (m.heatmap, m.size, m.offset)]

    @staticmethod
    def residual(x, blk):
        first, second, shortcut = blk
        r = second(first(x).relu_())
        r.add_(x if shortcut is None else shortcut(x))
        return r.relu_()

    def __call__(self, x):
        for c in self.stem:
            x = c(x).relu_()
        for b in self.blocks4:
            x = self.residual(x, b)
        f4 = x
        for b in self.blocks8:
            x = self.residual(x, b)
        f8 = x
        for b in self.blocks16:
            x = self.residual(x, b)
        mid = self.lateral8(f8).add_(F.interpolate(self.lateral16(x), scale_factor=2, mode="nearest"))
        del x
        fine = self.lateral4(f4).add_(F.interpolate(mid, scale_factor=2, mode="nearest"))
        del mid, f4, f8
        features = self.fuse(fine).relu_()
        del fine
        return torch.cat([out(hidden(features).relu_()) for hidden, out in self.heads], 1)


def focal_per_sample(logits, target):
    """CenterNetLoss.FocalPerSample: penalty-reduced focal loss (alpha 2, beta 4) normalised by the positive cells."""
    p = logits.float().sigmoid().clamp(1e-4, 1 - 1e-4)
    positive = target.eq(1).float()
    negative_weight = (1 - target).pow(4)
    positive_loss = p.log() * (1 - p).pow(2) * positive
    negative_loss = (1 - p).log() * p.pow(2) * negative_weight * (1 - positive)
    positives = positive.sum([1, 2, 3]).clamp_min(1)
    return -(positive_loss + negative_loss).sum([1, 2, 3]) / positives


def centernet_loss(output, heatmap, size, offset, mask):
    """CenterNetLoss.PerSample(...).mean() without class weights or GIoU: focal + 0.1 size L1 + 1.0 offset L1."""
    classes = heatmap.shape[1]
    predicted_size = output[:, classes:classes + 2]
    predicted_offset = output[:, classes + 2:classes + 4]
    objects = mask.sum([1, 2, 3]).clamp_min(1)
    size_l1 = ((predicted_size - size).abs() * mask).sum([1, 2, 3]) / objects
    offset_l1 = ((predicted_offset - offset).abs() * mask).sum([1, 2, 3]) / objects
    return (focal_per_sample(output[:, :classes], heatmap) + 0.1 * size_l1 + 1.0 * offset_l1).mean()


def load_weights(model, folder):
    blob = open(os.path.join(folder, "weights.bin"), "rb").read()
    state, at = OrderedDict(), 0
    for entry in open(os.path.join(folder, "index.txt")):
        name, dtype, *shape = entry.split()
        shape = [int(s) for s in shape]
        count = 1
        for s in shape:
            count *= s
        width = 8 if dtype == "int64" else 4
        values = torch.frombuffer(bytearray(blob[at:at + count * width]), dtype=torch.int64 if width == 8 else torch.float32)
        state[name] = values.reshape(shape)
        at += count * width
    model.load_state_dict(state, strict=True)


def synchronise(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def minor_faults():
    with open("/proc/self/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[7])


def read_tensor(path, shape):
    return torch.frombuffer(bytearray(open(path, "rb").read()), dtype=torch.float32).reshape(shape)


def main():
    architecture, classes, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    device = torch.device(sys.argv[4] if len(sys.argv) > 4 else "cpu")
    torch.set_num_threads(threads)
    model, folded, batch = CenterNet(architecture, classes).eval(), None, None
    targets, optimizer = None, None
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] == "load":
            folder = words[1]
            load_weights(model, folder)
            model.eval()
            folded = Folded(model)
            shape = [int(s) for s in open(os.path.join(folder, "input-shape.txt")).read().split()]
            batch = read_tensor(os.path.join(folder, "input.bin"), shape)
            with torch.inference_mode():
                expected_out = model(batch)
                expected = read_tensor(os.path.join(folder, "expected.bin"), list(expected_out.shape))
                print(f"loaded {(expected_out - expected).abs().max().item()} {(folded(batch) - expected).abs().max().item()}", flush=True)
        elif words[0] == "time":
            run = model if words[1] == "module" else folded
            n = int(words[2])
            with torch.inference_mode():
                faults, start = minor_faults(), time.perf_counter()
                for _ in range(n):
                    run(batch)
                elapsed, faults = time.perf_counter() - start, minor_faults() - faults
            print(f"{1000 * elapsed / n} {faults / n}", flush=True)
        elif words[0] == "load-train":
            folder = words[1]
            load_weights(model, folder)
            model = model.to(device).train()
            blob, at, targets = open(os.path.join(folder, "batch.bin"), "rb").read(), 0, []
            for line in open(os.path.join(folder, "batch-shapes.txt")):
                shape = [int(s) for s in line.split()]
                count = 1
                for s in shape:
                    count *= s
                targets.append(torch.frombuffer(bytearray(blob[at:at + 4 * count]), dtype=torch.float32).reshape(shape))
                at += 4 * count
            learning_rate, weight_decay = (float(v) for v in open(os.path.join(folder, "optimizer.txt")).read().split())
            optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=weight_decay, betas=(0.9, 0.999), eps=1e-8)
            with torch.no_grad():
                on_device = [t.to(device) for t in targets]
                loss = centernet_loss(model(on_device[0]), *on_device[1:]).item()
            print(f"loaded-train {loss}", flush=True)
        elif words[0] == "train":
            n, loss = int(words[1]), float("nan")
            synchronise(device)
            start = time.perf_counter()
            for _ in range(n):
                images, heatmap, size, offset, mask = (t.to(device) for t in targets)
                optimizer.zero_grad()
                step_loss = centernet_loss(model(images), heatmap, size, offset, mask)
                step_loss.backward()
                optimizer.step()
                loss = step_loss.item()
            elapsed = time.perf_counter() - start
            print(f"{1000 * elapsed / n} {loss}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
