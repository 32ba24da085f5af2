#!/usr/bin/python3
"""Writes cpython.golden: outputs of CPython's random.Random for pyrand's tests.

Run with Debian's interpreter from this folder:  /usr/bin/python3 gen.py > cpython.golden
One JSON object per line, one line per seed. Every list is drawn from one
generator, in order, so the interleaving of calls is tested too.
"""
import json
import random
import sys

SEEDS = [0, 1, 2, 42, 1618, 9331, 2**32 - 1, 2**32, 2**32 + 1, 2**63, 2**64 - 1,
         16058011264228541690, 8487364666108480051, 593987977021334907,
         2**100 + 12345, 2**200 - 1]
BITS = [0, 1, 2, 3, 5, 8, 13, 16, 24, 31, 32]
BELOW = [1, 2, 3, 4, 5, 7, 10, 100, 1000, 65537, 2**31 - 1, 2**31, 2**32 - 1]
SHUFFLE = list(range(0, 11)) + [16, 25, 100]


def key(seed):
    words = []
    s = abs(seed)
    while s:
        words.append(s & 0xFFFFFFFF)
        s >>= 32
    return words or [0]


for seed in SEEDS:
    r = random.Random(seed)
    head = [r.getrandbits(32) for _ in range(10)]
    r = random.Random(seed)
    for _ in range(1000):
        r.getrandbits(32)
    at1000 = [r.getrandbits(32) for _ in range(5)]
    r = random.Random(seed)
    bits = [[k, r.getrandbits(k)] for _ in range(3) for k in BITS]
    r = random.Random(seed)
    below = [[n, r._randbelow(n)] for _ in range(3) for n in BELOW]
    r = random.Random(seed)
    shuffles = []
    for n in SHUFFLE:
        x = list(range(n))
        r.shuffle(x)
        shuffles.append(x)
    json.dump({"seed": str(seed), "key": key(seed), "head": head, "at1000": at1000,
               "bits": bits, "below": below, "shuffle": shuffles}, sys.stdout)
    sys.stdout.write("\n")
