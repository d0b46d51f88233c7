# SPDX-License-Identifier: MIT
"""Prints the opcode tables of the running CPython (3.11-3.13) for
shim/python_opcodes.h: for each opcode, the instruction it specializes
(0xff: none the shim can step over: instrumented, executor, unused), and
for each instruction, its inline cache entries.
Usage: for each version, pythonX.Y scripts/gen_python_opcodes.py"""
import dis
import opcode
import sys

minor = sys.version_info[1]
names = dict(dis.opmap)
names.update(getattr(dis, "_all_opmap", {}))
names.update(getattr(opcode, "_specialized_opmap", {}))
BAD = 0xFF
deopt = [BAD] * 256
for name, op in dis.opmap.items():
    if op < 256 and not name.startswith("INSTRUMENTED") and name != "ENTER_EXECUTOR":
        deopt[op] = op
for base, specialized in opcode._specializations.items():
    for name in specialized:
        deopt[names[name]] = names[base]
caches = [0] * 256
entries = opcode._inline_cache_entries
for key, n in (entries.items() if isinstance(entries, dict) else enumerate(entries)):
    caches[names[key] if isinstance(key, str) else key] = n


def table(values):
    rows = []
    for i in range(0, 256, 16):
        rows.append("\t" + ", ".join("%d" % v for v in values[i:i + 16]) + ",")
    return "\n".join(rows)


def op(name):
    return names.get(name, BAD) if names.get(name, BAD) < 256 else BAD


print("static const uint8_t py3%d_deopt[256] = {\n%s\n};" % (minor, table(deopt)))
print("static const uint8_t py3%d_caches[256] = {\n%s\n};" % (minor, table(caches)))
fields = ["CALL", "CALL_KW", "PRECALL", "KW_NAMES", "LOAD_CONST", "LOAD_FAST", "LOAD_FAST_CHECK",
          "LOAD_FAST_LOAD_FAST", "LOAD_ATTR", "LOAD_METHOD", "EXTENDED_ARG"]
print("static const struct py_opcodes py3%d_opcodes = {" % minor)
print("\t.deopt = py3%d_deopt, .caches = py3%d_caches," % (minor, minor))
print("\t" + ", ".join(".%s = %d" % (f.lower(), op(f)) for f in fields) + ",")
print("};")
