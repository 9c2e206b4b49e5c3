#!/usr/bin/env python3
"""Runs a WASI command under wasmtime (PyPI package `wasmtime`) the way `windlass run` runs it,
for the comparison tests: python3 wasmtime_run.py FILE.wasm [--dir HOST::GUEST] [--env K=V]
[--argv0 NAME] -- ARGS...  Exit status: the program's, 134 after a trap, 3 when wasmtime is
missing (the tests skip then)."""
import sys

try:
    import wasmtime
except ImportError:
    sys.stderr.write("wasmtime_run: the Python package wasmtime is not installed\n")
    sys.exit(3)


def main(argv):
    path, dirs, env, argv0, rest = argv[0], [], [], None, []
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == "--":
            rest = argv[i + 1:]
            break
        if a == "--dir":
            dirs.append(argv[i + 1])
        elif a == "--env":
            env.append(argv[i + 1])
        elif a == "--argv0":
            argv0 = argv[i + 1]
        else:
            sys.stderr.write("wasmtime_run: unknown option %s\n" % a)
            return 2
        i += 2
    engine = wasmtime.Engine()
    module = wasmtime.Module.from_file(engine, path)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    wasi.argv = [argv0 or path] + rest
    wasi.env = [e.split("=", 1) for e in env]
    for d in dirs:
        host, _, guest = d.partition("::")
        wasi.preopen_dir(host, guest or host)
    wasi.inherit_stdin()
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    store.set_wasi(wasi)
    instance = linker.instantiate(store, module)
    try:
        instance.exports(store)["_start"](store)
        return 0
    except wasmtime.ExitTrap as e:
        return e.code
    except wasmtime.Trap as e:
        sys.stdout.flush()
        sys.stderr.write("wasm trap: %s\n" % e.message)
        return 134


if __name__ == "__main__":
    sys.stdout.flush()
    sys.exit(main(sys.argv[1:]))
