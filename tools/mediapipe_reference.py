#!/usr/bin/env python3
"""Reference landmarks from the Python MediaPipe pose solution (the peer Janu is
measured against), written as Janu landmark files for the Rust tests to compare.

For every photo under the shared data folder it runs mediapipe==0.10.21's
`solutions.pose` in static image mode at model complexity 0 (lite), 1 (full) and
2 (heavy), and writes one JSON line per photo:

    {"file": "<folder>/<name>", "t": 0, "width": W, "height": H,
     "schema": "blazepose33", "landmarks": [[x, y, z, visibility], ...] | null,
     "world": [[x, y, z], ...]}

The pip wheel ships only the full landmark model; the lite and heavy ones are
taken from the npm package @mediapipe/pose@0.5.1675469404 (the same files Janu
uses) and copied into the wheel's module folder first.

Usage (from the repository root):
    python3 -m venv tools/.venv
    tools/.venv/bin/pip install mediapipe==0.10.21 pillow
    tools/.venv/bin/python tools/mediapipe_reference.py \
        --photos ../shared/data/photos --npm-tarball mediapipe-pose-0.5.1675469404.tgz
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import mediapipe as mp
import numpy as np
from PIL import Image, ImageOps

NPM_PACKAGE = "@mediapipe/pose@0.5.1675469404"
MODEL_FILES = {0: "pose_landmark_lite.tflite", 1: "pose_landmark_full.tflite", 2: "pose_landmark_heavy.tflite"}
NAMES = {0: "lite", 1: "full", 2: "heavy"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch_tarball(dest: Path) -> Path:
    out = subprocess.run(["npm", "pack", NPM_PACKAGE, "--silent"], cwd=dest,
                         check=True, capture_output=True, text=True)
    return dest / out.stdout.strip().splitlines()[-1]


def install_models(tarball: Path) -> dict:
    """Copy the npm landmark models into the wheel; return their sha256 sums."""
    module_dir = Path(mp.__file__).parent / "modules" / "pose_landmark"
    sums = {}
    with tarfile.open(tarball) as tar, tempfile.TemporaryDirectory() as tmp:
        for name in MODEL_FILES.values():
            member = tar.getmember(f"package/{name}")
            tar.extract(member, tmp, filter="data")
            src = Path(tmp) / "package" / name
            shutil.copyfile(src, module_dir / name)
            sums[name] = sha256(src)
    det = Path(mp.__file__).parent / "modules" / "pose_detection" / "pose_detection.tflite"
    sums["pose_detection.tflite (pip wheel)"] = sha256(det)
    return sums


def load_rgb(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        im = ImageOps.exif_transpose(im)
        return np.asarray(im.convert("RGB"))


def r6(v: float) -> float:
    return round(float(v), 6)


def run(photos: Path, complexity: int) -> list:
    rows = []
    files = sorted(p for p in photos.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    with mp.solutions.pose.Pose(static_image_mode=True, model_complexity=complexity,
                                enable_segmentation=False,
                                min_detection_confidence=0.5) as pose:
        for path in files:
            rgb = load_rgb(path)
            h, w = rgb.shape[:2]
            res = pose.process(rgb)
            row = {"file": str(path.relative_to(photos)), "t": 0, "width": w, "height": h,
                   "schema": "blazepose33", "landmarks": None}
            if res.pose_landmarks:
                row["landmarks"] = [[r6(l.x), r6(l.y), r6(l.z), r6(l.visibility)]
                                    for l in res.pose_landmarks.landmark]
                row["world"] = [[r6(l.x), r6(l.y), r6(l.z)]
                                for l in res.pose_world_landmarks.landmark]
            rows.append(row)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--photos", type=Path, default=Path("../shared/data/photos"))
    ap.add_argument("--npm-tarball", type=Path, help="the npm pack tarball (fetched when absent)")
    ap.add_argument("--out", type=Path, default=Path("tests/data/mediapipe"))
    args = ap.parse_args()
    if not args.photos.is_dir():
        print(f"no photo folder at {args.photos}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.npm_tarball or fetch_tarball(Path(tmp))
        sums = install_models(tarball)
        for c in (0, 1, 2):
            rows = run(args.photos, c)
            found = sum(r["landmarks"] is not None for r in rows)
            target = args.out / f"photos_{NAMES[c]}.jsonl"
            tmp_out = target.with_suffix(".tmp")
            with open(tmp_out, "w") as f:
                for r in rows:
                    f.write(json.dumps(r, separators=(",", ":")) + "\n")
            os.replace(tmp_out, target)
            print(f"{NAMES[c]}: {found}/{len(rows)} photos with a person -> {target}")
    meta = {"mediapipe": mp.__version__, "npm_package": NPM_PACKAGE, "sha256": sums,
            "mode": "solutions.pose, static_image_mode=True, min_detection_confidence=0.5",
            "image_loading": "PIL, EXIF orientation applied, converted to RGB"}
    (args.out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
