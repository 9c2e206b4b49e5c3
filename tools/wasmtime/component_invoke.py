#!/usr/bin/env python3
"""Calls exports of components under wasmtime (PyPI package `wasmtime`, `wasmtime.component`),
for the differential tests of Windlass's components: reads one JSON request on stdin,
{"calls": [{"component": PATH, "func": NAME, "args": [VALUE...]}]}, and writes one JSON line per
call: {"ok": VALUE} (null without a result), {"trap": MESSAGE} or {"error": MESSAGE}.
Values are tagged JSON, the same for every type (the function's types say which):
numbers (u64/s64 as decimal strings, float non-finites as "nan", "inf", "-inf"), strings,
arrays (list, tuple), objects (record), {"tag": CASE, "value"?: VALUE} (variant, option
none/some, result ok/err), strings (enum), arrays of names (flags). Exit 3 when wasmtime is
missing (the tests skip then)."""
import json
import math
import sys

try:
    import wasmtime
    import wasmtime.component as wc
except ImportError:
    sys.stderr.write("component_invoke: the Python package wasmtime is not installed\n")
    sys.exit(3)


def case_payload(ty, tag):
    for name, t in (ty.cases if isinstance(ty, wc.VariantType) else [("none", None), ("some", ty.payload)] if isinstance(ty, wc.OptionType) else [("ok", ty.ok), ("err", ty.err)]):
        if name == tag:
            return t
    raise ValueError("no case %s" % tag)


def to_py(ty, v):
    if isinstance(ty, (wc.S64, wc.U64)):
        return int(v)
    if isinstance(ty, (wc.F32, wc.F64)):
        return float(v)
    if isinstance(ty, wc.ListType):
        items = [to_py(ty.element, x) for x in v]
        return bytes(items) if isinstance(ty.element, wc.U8) else items
    if isinstance(ty, wc.TupleType):
        return tuple(to_py(t, x) for t, x in zip(ty.elements, v))
    if isinstance(ty, wc.RecordType):
        r = wc.Record()
        for name, t in ty.fields:
            setattr(r, name, to_py(t, v[name]))
        return r
    if isinstance(ty, (wc.VariantType, wc.OptionType, wc.ResultType)):
        t = case_payload(ty, v["tag"])
        payload = to_py(t, v["value"]) if t is not None else None
        return wc.Variant(v["tag"], payload) if ty._tagged() else payload
    if isinstance(ty, wc.FlagsType):
        return set(v)
    return v


def matches(t, x):
    if t is None:
        return x is None
    classes = set()
    t.add_classes(classes)
    return isinstance(x, tuple(classes))


def from_py(ty, x):
    if isinstance(ty, (wc.S64, wc.U64)):
        return str(x)
    if isinstance(ty, (wc.F32, wc.F64)):
        return "nan" if math.isnan(x) else "inf" if x == math.inf else "-inf" if x == -math.inf else x
    if isinstance(ty, wc.ListType):
        return [from_py(ty.element, e) for e in x]
    if isinstance(ty, wc.TupleType):
        return [from_py(t, e) for t, e in zip(ty.elements, x)]
    if isinstance(ty, wc.RecordType):
        return {name: from_py(t, getattr(x, name)) for name, t in ty.fields}
    if isinstance(ty, (wc.VariantType, wc.OptionType, wc.ResultType)):
        if ty._tagged():
            tag, payload = x.tag, x.payload
        else:
            cases = ty.cases if isinstance(ty, wc.VariantType) else [("none", None), ("some", ty.payload)] if isinstance(ty, wc.OptionType) else [("ok", ty.ok), ("err", ty.err)]
            tag = next(name for name, t in cases if matches(t, x))
            payload = x
        t = case_payload(ty, tag)
        return {"tag": tag, "value": from_py(t, payload)} if t is not None else {"tag": tag}
    if isinstance(ty, wc.FlagsType):
        return sorted(x, key=ty.names.index)
    return x


def main():
    request = json.load(sys.stdin)
    engine = wasmtime.Engine()
    components = {}
    for call in request["calls"]:
        try:
            path = call["component"]
            if path not in components:
                components[path] = wc.Component.from_file(engine, path) if hasattr(wc.Component, "from_file") else wc.Component(engine, open(path, "rb").read())
            store = wasmtime.Store(engine)
            instance = wc.Linker(engine).instantiate(store, components[path])
            f = instance.get_func(store, call["func"])
            fty = f.type(store)
            args = [to_py(t, v) for (_, t), v in zip(fty.params, call["args"])]
            try:
                result = f(store, *args)
            except (wasmtime.Trap, wasmtime.WasmtimeError) as e:  # a trap in a component call is a WasmtimeError
                print(json.dumps({"trap": str(e)}))
                continue
            print(json.dumps({"ok": from_py(fty.result, result) if fty.result is not None else None}))
        except Exception as e:  # a failure of the call's setup: reported, the others still run
            print(json.dumps({"error": "%s: %s" % (type(e).__name__, e)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
