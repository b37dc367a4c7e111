#!/usr/bin/env python3
"""Turns real index directories into seeds for mcr_index_open_fuzzer (see IndexOpenFuzzer.cpp).

usage: make_fuzz_seeds.py OUT_DIR INDEX_DIR...
Each index directory becomes one seed: mode byte 3 (valid checksums), the log generation
byte, the snapshot's frame payloads as u16-length chunks, an empty chunk, then the log's
record payloads. With --no-snapshot the snapshot is left out (a log-only index).
"""
import os
import struct
import sys


def snapshot_frames(path):
    data = open(path, "rb").read()
    assert data[:8] == b"MCRSNAP1", path
    pos, frames = 8, []
    while pos < len(data):
        (length,) = struct.unpack_from("<Q", data, pos)
        frames.append(data[pos + 8:pos + 8 + length])
        pos += 8 + length + 4
    return frames


def log_records(path):
    data = open(path, "rb").read()
    assert data[:8] == b"MCRLOG01", path
    pos, records = 8, []
    while pos + 8 <= len(data):
        (length,) = struct.unpack_from("<I", data, pos)
        records.append(data[pos + 8:pos + 8 + length])
        pos += 8 + length
    return records


def varint(value):
    out = b""
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def read_varint(data, pos):
    value, shift = 0, 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def identity_at_generation_zero(identity):
    """Re-encodes an IndexIdentity without its log_generation (field 4), i.e. generation 0."""
    out, pos = b"", 0
    while pos < len(identity):
        key, after_key = read_varint(identity, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            _, end = read_varint(identity, after_key)
        elif wire == 2:
            length, start = read_varint(identity, after_key)
            end = start + length
        else:
            raise SystemExit("unexpected wire type in the identity")
        if field != 4:
            out += identity[pos:end]
        pos = end
    return out


def chunks(parts):
    out = b""
    for part in parts:
        if not 0 < len(part) < 65536:
            raise SystemExit(f"part of {len(part)} bytes does not fit a u16 chunk: use a smaller index")
        out += struct.pack("<H", len(part)) + part
    return out


def main():
    args = sys.argv[1:]
    with_snapshot = "--no-snapshot" not in args
    args = [a for a in args if a != "--no-snapshot"]
    out_dir, index_dirs = args[0], args[1:]
    os.makedirs(out_dir, exist_ok=True)
    for number, index in enumerate(index_dirs):
        names = sorted(os.listdir(index))
        snapshot = os.path.join(index, "snapshot.mcrx")
        frames = snapshot_frames(snapshot) if with_snapshot and os.path.exists(snapshot) else []
        logs = [n for n in names if n.startswith("log-") and n.endswith(".mcrl")]
        records = log_records(os.path.join(index, logs[0])) if logs else []
        generation = int(logs[0][4:-5]) if logs else 0
        if not with_snapshot and records:
            generation = 0  # a log-only index starts at generation 0
            records[0] = identity_at_generation_zero(records[0])
        seed = bytes([3, generation]) + chunks(frames) + struct.pack("<H", 0) + chunks(records)
        name = f"seed-{os.path.basename(os.path.normpath(index))}{'' if with_snapshot else '-log-only'}"
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(seed)


if __name__ == "__main__":
    main()
