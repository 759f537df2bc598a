#!/usr/bin/env python3
"""Time the Python MediaPipe pose solution on a video, in video mode, as the peer
Janu's landmark engine is measured against (the Rust benchmark runs this script
on the same video in the same run and writes the ratio into BENCHMARKS.md).

Runs mediapipe==0.10.21 `solutions.pose` with static_image_mode=False (tracking,
smoothing on, segmentation off) at the given model complexity over every frame of
VIDEO (decoded with OpenCV), after one warm-up pass over the first frames, and
prints one JSON object:

    {"frames": N, "decode_ms": ..., "pose_ms": ..., "total_s": ..., "fps": ...,
     "found": K, "complexity": C}

`fps` is end-to-end (decode + pose) frames per second; `pose_ms` is the mean
time of `Pose.process` per frame.

Usage (from the repository root):
    tools/.venv/bin/python tools/mediapipe_video_bench.py VIDEO [--complexity 1]
The lite and heavy models (complexity 0 and 2) must have been copied into the
wheel first, which tools/mediapipe_reference.py does.
"""

import argparse
import json
import sys
import time

import cv2
import mediapipe as mp

WARMUP_FRAMES = 10


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("video")
    ap.add_argument("--complexity", type=int, default=1, choices=[0, 1, 2])
    ap.add_argument("--max-frames", type=int, default=0, help="stop after this many frames (0: all)")
    args = ap.parse_args()

    cap = cv2.VideoCapture(args.video)
    if not cap.isOpened():
        print(f"cannot open {args.video}", file=sys.stderr)
        return 1
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0

    # Warm-up: load the graph and models, outside the timing.
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=args.complexity,
                                enable_segmentation=False) as pose:
        for i in range(WARMUP_FRAMES):
            ok, bgr = cap.read()
            if not ok:
                break
            pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    cap.release()

    cap = cv2.VideoCapture(args.video)
    frames = found = 0
    decode_s = pose_s = 0.0
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=args.complexity,
                                enable_segmentation=False) as pose:
        start = time.perf_counter()
        while True:
            t0 = time.perf_counter()
            ok, bgr = cap.read()
            if not ok:
                break
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            t1 = time.perf_counter()
            # Video mode needs increasing timestamps; the solution derives them
            # itself from a fixed 30 fps clock.
            res = pose.process(rgb)
            t2 = time.perf_counter()
            decode_s += t1 - t0
            pose_s += t2 - t1
            frames += 1
            found += res.pose_landmarks is not None
            if args.max_frames and frames >= args.max_frames:
                break
        total = time.perf_counter() - start
    cap.release()
    if frames == 0:
        print(f"no frames decoded from {args.video}", file=sys.stderr)
        return 1
    print(json.dumps({
        "frames": frames,
        "video_fps": fps,
        "decode_ms": round(1000 * decode_s / frames, 3),
        "pose_ms": round(1000 * pose_s / frames, 3),
        "total_s": round(total, 3),
        "fps": round(frames / total, 2),
        "found": found,
        "complexity": args.complexity,
        "mediapipe": mp.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
