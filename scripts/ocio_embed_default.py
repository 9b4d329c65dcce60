#!/usr/bin/env python3
"""Regenerate src/ocio/default.c from src/ocio/data/default.ocio (the built-in OCIO config).
Run from the repository root after editing the .ocio file; commit both."""
import sys

src = "src/ocio/data/default.ocio"
dst = "src/ocio/default.c"
with open(src, encoding="utf-8") as f:
    lines = f.read().splitlines()
out = ["/* The built-in default OCIO config. GENERATED from src/ocio/data/default.ocio by",
       " * scripts/ocio_embed_default.py: edit the .ocio file, then rerun the script. */",
       '#include "ocio/ocio_int.h"', "", "const char vfx__ocio_default_config[] ="]
for ln in lines:
    esc = ln.replace("\\", "\\\\").replace('"', '\\"')
    out.append('    "%s\\n"' % esc)
out[-1] += ";"
with open(dst, "w", encoding="utf-8") as f:
    f.write("\n".join(out) + "\n")
print("wrote", dst, file=sys.stderr)
