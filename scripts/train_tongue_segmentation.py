"""Train the tongue segmentation U-Net and export it to ONNX for cv2.dnn.

Data: the BioHit tongue photos with hand-drawn masks (Harbin Institute of Technology,
BioHit/TongeImageDataset), development split in ../shared/data/tongue-dev. The data are never
copied into this repository; only the trained weights are shipped.

Needs torch (CPU build) in a separate environment; torch is never a run-time dependency:
    python3 -m venv /tmp/trainvenv && /tmp/trainvenv/bin/pip install torch==2.13.0 numpy \
        "opencv-python-headless>=5,<6" onnx
    /tmp/trainvenv/bin/python scripts/train_tongue_segmentation.py [--data DIR] [--epochs N]

Photos whose number is divisible by 5 are held out (never trained on) so that
benchmarks/tongue.py can report an honest held-out figure next to the whole-set one.
"""

import argparse
import math
import random
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import torch
from torch import nn
from torch.nn import functional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diagnosis import tongue_perturb as perturb  # noqa: E402
from diagnosis.tongue_segment import INPUT_SIZE, letterbox, to_blob  # noqa: E402

SEED = 20261123


def held_out(stem: str) -> bool:
    return int(stem) % 5 == 0


def conv_block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class TongueUNet(nn.Module):
    """Five-level U-Net, 8→128 channels, bilinear upsampling: about 0.5 M parameters."""

    def __init__(self, widths=(8, 16, 32, 64, 128)):
        super().__init__()
        self.down = nn.ModuleList()
        cin = 3
        for width in widths:
            self.down.append(conv_block(cin, width))
            cin = width
        self.up = nn.ModuleList(
            conv_block(widths[i + 1] + widths[i], widths[i])
            for i in reversed(range(len(widths) - 1))
        )
        self.head = nn.Conv2d(widths[0], 1, 1)

    def forward(self, x):
        x = x - 0.5
        skips = []
        for i, block in enumerate(self.down):
            if i:
                x = functional.max_pool2d(x, 2)
            x = block(x)
            skips.append(x)
        for block, skip in zip(self.up, reversed(skips[:-1]), strict=True):
            x = functional.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)
            x = block(torch.cat([x, skip], 1))
        return self.head(x)


def load(data: Path, max_side: int = 512):
    samples = []
    for path in sorted((data / "images").glob("*.jpg")):
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        mask = cv2.imread(str(data / "masks" / f"{path.stem}.png"), cv2.IMREAD_GRAYSCALE)
        scale = max_side / max(image.shape[:2])
        size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
        samples.append(
            (
                path.stem,
                cv2.resize(image, size, interpolation=cv2.INTER_AREA),
                cv2.resize(mask, size, interpolation=cv2.INTER_NEAREST),
            )
        )
    return samples


def random_crop(image, mask, rng: random.Random):
    """A window of varied aspect (landscape, portrait, square) and zoom around the tongue."""
    h, w = image.shape[:2]
    aspect = rng.choice([4 / 3, 4 / 3, 3 / 4, 3 / 4, 1.0, 16 / 9, 9 / 16])
    zoom = rng.uniform(0.45, 1.0)
    cw = min(w, int(w * zoom * (aspect / (4 / 3)) ** 0.5))
    ch = min(h, int(cw / aspect))
    cw = min(w, int(ch * aspect))
    ys, xs = np.nonzero(mask)
    cx = int(xs.mean()) if len(xs) else w // 2
    cy = int(ys.mean()) if len(ys) else h // 2
    x0 = int(np.clip(cx - cw / 2 + rng.uniform(-0.25, 0.25) * cw, 0, w - cw))
    y0 = int(np.clip(cy - ch / 2 + rng.uniform(-0.25, 0.25) * ch, 0, h - ch))
    return image[y0 : y0 + ch, x0 : x0 + cw], mask[y0 : y0 + ch, x0 : x0 + cw]


def augment(image, mask, rng: random.Random):
    image, mask = augment_geometry(image, mask, rng)
    return augment_photometry(image, rng), mask


def augment_geometry(image, mask, rng: random.Random):
    if rng.random() < 0.7:
        image, mask = random_crop(image, mask, rng)
    if rng.random() < 0.3:
        image, mask = perturb.zoom_out(image, mask, rng.uniform(0.5, 0.9))
    if rng.random() < 0.6:
        image, mask = perturb.rotate(image, mask, rng.uniform(-25, 25))
    if rng.random() < 0.5:
        image, mask = image[:, ::-1].copy(), mask[:, ::-1].copy()
    return image, mask


def augment_photometry(image, rng: random.Random):
    if rng.random() < 0.8:
        warm = rng.uniform(-0.3, 0.3)
        image = perturb.channel_gains(image, 1 - warm, rng.uniform(0.9, 1.1), 1 + warm)
    if rng.random() < 0.7:
        image = perturb.exposure(image, math.exp(rng.uniform(-1.3, 1.0)))
    if rng.random() < 0.3:
        hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV).astype(np.float32)
        hsv[:, :, 1] *= rng.uniform(0.6, 1.4)
        image = cv2.cvtColor(np.clip(hsv, 0, 255).astype(np.uint8), cv2.COLOR_HSV2BGR)
    if rng.random() < 0.35:
        image = perturb.blur(image, rng.uniform(0.5, 3.5))
    if rng.random() < 0.3:
        noise = np.random.default_rng(rng.randrange(1 << 30)).normal(
            0, rng.uniform(2, 8), image.shape
        )
        image = np.clip(image + noise, 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        image = perturb.jpeg(image, rng.randrange(35, 95))
    return image


def to_tensors(pairs):
    images, masks = [], []
    for image, mask in pairs:
        square, box = letterbox(image)
        target = np.zeros((INPUT_SIZE, INPUT_SIZE), np.float32)
        small = cv2.resize(mask, (box.width, box.height), interpolation=cv2.INTER_AREA)
        target[box.top : box.top + box.height, box.left : box.left + box.width] = small / 255.0
        images.append(to_blob(square)[0])
        masks.append(target[None])
    return torch.from_numpy(np.stack(images)), torch.from_numpy(np.stack(masks))


def loss_fn(logits, target):
    bce = functional.binary_cross_entropy_with_logits(logits, target)
    prob = torch.sigmoid(logits)
    inter = (prob * target).sum((1, 2, 3))
    dice = 1 - (2 * inter + 1) / (prob.sum((1, 2, 3)) + target.sum((1, 2, 3)) + 1)
    return bce + dice.mean()


def evaluate(model, samples) -> float:
    model.eval()
    scores = []
    with torch.no_grad():
        for _stem, image, mask in samples:
            x, _ = to_tensors([(image, mask)])
            prob = torch.sigmoid(model(x))[0, 0].numpy()
            _, box = letterbox(image)
            crop = prob[box.top : box.top + box.height, box.left : box.left + box.width]
            crop = cv2.resize(crop, (mask.shape[1], mask.shape[0]))
            scores.append(perturb.iou(crop > 0.5, mask))
    model.train()
    return float(np.mean(scores))


def export(model, out: Path) -> None:
    model.eval()
    dummy = torch.zeros(1, 3, INPUT_SIZE, INPUT_SIZE)
    torch.onnx.export(
        model,
        dummy,
        str(out),
        input_names=["image"],
        output_names=["logits"],
        opset_version=13,
        dynamo=False,
    )
    net = cv2.dnn.readNetFromONNX(str(out))
    net.setInput(dummy.numpy())
    gap = np.abs(net.forward() - model(dummy).detach().numpy()).max()
    print(f"exported {out} ({out.stat().st_size / 1e6:.2f} MB); cv2.dnn vs torch max gap {gap:.2e}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/tongue-dev")
    parser.add_argument("--epochs", type=int, default=120)
    parser.add_argument("--batch", type=int, default=12)
    parser.add_argument("--out", type=Path, default=ROOT / "diagnosis/data/tongue_seg_v1.onnx")
    parser.add_argument("--all", action="store_true", help="train on the held-out photos too")
    args = parser.parse_args()
    random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    samples = load(args.data)
    train = [s for s in samples if args.all or not held_out(s[0])]
    test = [s for s in samples if held_out(s[0])]
    print(f"{len(train)} training photos, {len(test)} held out")
    model = TongueUNet()
    print(f"{sum(p.numel() for p in model.parameters()) / 1e6:.2f} M parameters")
    steps = args.epochs * math.ceil(len(train) / args.batch)
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=3e-3, total_steps=steps)
    rng = random.Random(SEED)
    started = time.time()
    for epoch in range(args.epochs):
        order = rng.sample(train, len(train))
        total = 0.0
        for i in range(0, len(order), args.batch):
            batch = [augment(image, mask, rng) for _s, image, mask in order[i : i + args.batch]]
            x, y = to_tensors(batch)
            loss = loss_fn(model(x), y)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += loss.item() * len(batch)
        line = f"epoch {epoch + 1}/{args.epochs} loss {total / len(order):.4f}"
        if (epoch + 1) % 10 == 0 or epoch + 1 == args.epochs:
            line += f" held-out IoU {evaluate(model, test):.4f}"
        print(f"{line} ({time.time() - started:.0f} s)", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    export(model, args.out)


if __name__ == "__main__":
    main()
