# The Cranelift side of tools/bench/vs-cranelift.ts: compiles a wasm module with the PyPI
# `wasmtime` package (Cranelift), in a process of its own, and prints one JSON line with the CPU
# time and peak RSS of the whole process (Python's and wasmtime's own baseline included).
#
#   python3 vs-cranelift-cranelift.py FILE.wasm none|speed PARALLEL(0|1)
#   python3 vs-cranelift-cranelift.py --version
#
# wasmtime's defaults are kept apart from the two under test: bounds checks rely on its default
# memory reservation and guard region (on 64-bit hosts: no explicit checks for 32-bit memories),
# and it checks the stack limit in every function prologue. The compilation cache is off (its
# default), so every run compiles.
import json
import resource
import sys
import time

import wasmtime

if sys.argv[1] == '--version':
    from importlib.metadata import version
    print(version('wasmtime'))
    sys.exit(0)

path, opt, parallel = sys.argv[1], sys.argv[2], sys.argv[3] == '1'
config = wasmtime.Config()
config.cranelift_opt_level = opt
config.parallel_compilation = parallel
engine = wasmtime.Engine(config)
with open(path, 'rb') as f:
    data = f.read()
c0 = time.process_time()
w0 = time.perf_counter()
module = wasmtime.Module(engine, data)
wall = time.perf_counter() - w0
cpu = time.process_time() - c0
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({
    'processCpu': (usage.ru_utime + usage.ru_stime) * 1000,
    'compileCpu': cpu * 1000,
    'compileWall': wall * 1000,
    'peakRss': usage.ru_maxrss / 1024,
}))
