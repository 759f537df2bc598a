#!/usr/bin/env python3
"""How often each pose of a landmark set shows Janusirsasana's knees: one knee
bent (picture-plane angle under 120 degrees) and the other nearly straight
(over 140). Only the landmarks are read, not the pictures, so this says what
any classifier of these landmarks can hope for: a row of the pose whose
landmarks bend both knees, or straighten both, looks like a neighbour.

Reads the CSV written by `janu-eval measures` (one row per sample, with
`source`, `truth`, `straight_knee_deg` and `bent_knee_deg`) and prints a
Markdown table per source.

Usage (from the repository root):
    cargo run --release -p janu-eval -- measures -o /tmp/measures.csv
    python3 tools/knee_patterns.py /tmp/measures.csv [SOURCE ...]
"""

import csv
import math
import sys
from collections import Counter, defaultdict

# Picture-plane knee angle (180 = straight) under which a knee counts as bent.
BENT_BELOW_DEG = 120.0
# ... and over which it counts as straight.
STRAIGHT_ABOVE_DEG = 140.0
PATTERNS = ["one bent, one straight", "both bent", "both straight", "in between", "a knee unseen"]


def number(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def pattern(row):
    a, b = number(row["straight_knee_deg"]), number(row["bent_knee_deg"])
    if a is None or b is None:
        return "a knee unseen"
    low, high = min(a, b), max(a, b)
    if low < BENT_BELOW_DEG and high > STRAIGHT_ABOVE_DEG:
        return "one bent, one straight"
    if high < BENT_BELOW_DEG:
        return "both bent"
    if low > STRAIGHT_ABOVE_DEG:
        return "both straight"
    return "in between"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    wanted = set(sys.argv[2:])
    counts = defaultdict(Counter)
    with open(sys.argv[1], newline="") as f:
        for row in csv.DictReader(f):
            if wanted and row["source"] not in wanted:
                continue
            counts[(row["source"], row["truth"])][pattern(row)] += 1
    for source in sorted({s for s, _ in counts}):
        print(f"\n{source}\n")
        print("| pose | n | " + " | ".join(PATTERNS) + " |")
        print("|---|---:|" + "---:|" * len(PATTERNS))
        for (s, truth), c in sorted(counts.items()):
            if s != source:
                continue
            n = sum(c.values())
            cells = " | ".join(f"{c[p]} ({100 * c[p] / n:.0f} %)" for p in PATTERNS)
            print(f"| {truth} | {n} | {cells} |")


if __name__ == "__main__":
    main()
