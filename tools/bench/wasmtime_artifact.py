#!/usr/bin/env python3
"""The wasmtime side of tools/bench/artifact.ts: compile + serialize a module, then deserialize
the serialized module REPEAT times; prints one JSON line. Needs the PyPI package wasmtime (exit 3
without it). Times are wall-clock seconds and CPU seconds of this process (wasmtime compiles on
several threads when it can: CPU time is the fairer figure on a shared machine).

    python3 wasmtime_artifact.py FILE.wasm [REPEAT]
"""
import json
import statistics
import sys
import time

try:
    import wasmtime
except ImportError:
    print(json.dumps({"error": "the Python package wasmtime is not installed (pip install wasmtime)"}))
    sys.exit(3)


def version():
    try:
        from importlib.metadata import version as v
        return v("wasmtime")
    except Exception:
        return "?"


def timed(f):
    w0, c0 = time.perf_counter(), time.process_time()
    r = f()
    return r, time.perf_counter() - w0, time.process_time() - c0


def main():
    path = sys.argv[1]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    wasm = open(path, "rb").read()
    engine = wasmtime.Engine()
    module, compile_wall, compile_cpu = timed(lambda: wasmtime.Module(engine, wasm))
    blob, ser_wall, ser_cpu = timed(module.serialize)
    loads = [timed(lambda: wasmtime.Module.deserialize(engine, blob)) for _ in range(repeat)]
    print(json.dumps({
        "version": version(),
        "compile_wall": compile_wall, "compile_cpu": compile_cpu,
        "serialize_wall": ser_wall, "serialize_cpu": ser_cpu,
        "size": len(blob),
        "load_wall": statistics.median(x[1] for x in loads),
        "load_cpu": statistics.median(x[2] for x in loads),
    }))


if __name__ == "__main__":
    main()
