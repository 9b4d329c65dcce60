#!/usr/bin/env python3
"""Regenerate the OpenColorIO reference values in tests/ocio/ref/ (run from the repository root).

Needs Debian's opencolorio-tools (ocioconvert, OCIO 2.1) and openimageio-tools (oiiotool). For
each config, every colour space is converted to and from the config's reference colour space,
and the reference space to every display/view, on a fixed set of samples (grey, primaries,
negatives, HDR values). The samples go through ocioconvert as a PFM image (float32), the result
is read back with `oiiotool --dumpdata`. Output lines (tab separated):
    S  src  dst  r g b  r' g' b'        colour space conversion
    V  src  display  view  r g b  r' g' b'
    E  kind  names...  message          OCIO itself refused
"""
import os, struct, subprocess, sys, tempfile

SAMPLES = [(0.18, 0.18, 0.18), (0.0, 0.0, 0.0), (1.0, 1.0, 1.0), (0.5, 0.2, 0.1),
           (0.01, 0.02, 0.03), (-0.05, 0.3, 2.5), (10.0, 4.0, 0.001), (0.9, 0.05, 0.6)]
TESTDATA = os.environ.get("VFX_TESTDATA_DIR", "/work/shared/testdata")
CONFIGS = [  # (name, path, reference colour space)
    ("default", "src/ocio/data/default.ocio", "ACES2065-1"),
    ("aces_cg_v1", TESTDATA + "/ocio/aces/cg-config-v1.0.0_aces-v1.3_ocio-v2.1.ocio", "ACES2065-1"),
    ("demo", TESTDATA + "/ocio/demo/ocio-v2_demo.ocio", "ACES2065-1"),
    ("sharktacos_v1", TESTDATA + "/ocio/sharktacos-OCIOv1-VFX/OCIOv1_config_VFX.ocio", "ACES2065-1"),
]

def write_pfm(path):
    with open(path, "wb") as f:
        f.write(b"PF\n%d 1\n-1.0\n" % len(SAMPLES))
        for s in SAMPLES:
            f.write(struct.pack("<3f", *s))

def cs_names(path):
    r = subprocess.run(["ociocheck", "--iconfig", path], capture_output=True, text=True).stdout
    names, on = [], False
    for line in r.splitlines():
        if line.startswith("** ColorSpaces **"):
            on = True
            continue
        if on:
            if not line.strip() or line.startswith("**"):
                break
            names.append(line.strip())
    return names

def displays(path):
    r = subprocess.run(["ociocheck", "--iconfig", path], capture_output=True, text=True).stdout
    out, on = [], False
    for line in r.splitlines():
        if line.startswith("** (Display, View) pairs **"):
            on = True
            continue
        if on:
            if not line.strip() or line.startswith("**"):
                break
            d, v = line.strip()[1:-1].split(", ", 1)
            out.append((d, v))
    return out

def fmt(v):
    return " ".join("%.9g" % x for x in v)

def main():
    with tempfile.TemporaryDirectory() as tmp:
        write_pfm(os.path.join(tmp, "in.pfm"))
        for name, path, ref in CONFIGS:
            if len(sys.argv) > 1 and name not in sys.argv[1:]:
                continue  # regenerate only the configs named on the command line
            path = os.path.abspath(path)
            lines = ["# reference values from ocioconvert (OpenColorIO 2.1) for %s" % os.path.basename(path)]
            for cs in cs_names(path):
                for src, dst in ((cs, ref), (ref, cs)):
                    vals, err = convert(path, src, dst, tmp)
                    if vals is None:
                        lines.append("E\tS\t%s\t%s\t%s" % (src, dst, err))
                        continue
                    for s, o in zip(SAMPLES, vals):
                        lines.append("S\t%s\t%s\t%s\t%s" % (src, dst, fmt(s), fmt(o)))
            for disp, view in displays(path):
                vals, err = convert_view(path, ref, disp, view, tmp)
                if vals is None:
                    lines.append("E\tV\t%s\t%s\t%s\t%s" % (ref, disp, view, err))
                    continue
                for s, o in zip(SAMPLES, vals):
                    lines.append("V\t%s\t%s\t%s\t%s\t%s" % (ref, disp, view, fmt(s), fmt(o)))
            with open("tests/ocio/ref/%s.txt" % name, "w") as f:
                f.write("\n".join(lines) + "\n")
            print(name, len(lines), file=sys.stderr)

def convert(cfg, src, dst, tmp):
    out = os.path.join(tmp, "out.exr")
    if os.path.exists(out):
        os.remove(out)
    r = subprocess.run(["ocioconvert", os.path.join(tmp, "in.pfm"), src, out, dst],
                       env=dict(os.environ, OCIO=cfg), capture_output=True, text=True)
    return read_out(r, out)

def convert_view(cfg, src, disp, view, tmp):
    out = os.path.join(tmp, "out.exr")
    if os.path.exists(out):
        os.remove(out)
    r = subprocess.run(["ocioconvert", "--view", os.path.join(tmp, "in.pfm"), src, out, disp, view],
                       env=dict(os.environ, OCIO=cfg), capture_output=True, text=True)
    return read_out(r, out)

def read_out(r, out):
    if r.returncode != 0 or not os.path.exists(out):
        msg = (r.stdout + r.stderr).strip().replace("\n", " ").replace("\t", " ")
        return None, msg[-300:]
    d = subprocess.run(["oiiotool", "--dumpdata", out], capture_output=True, text=True).stdout
    vals = []
    for line in d.splitlines():
        line = line.strip()
        if line.startswith("Pixel"):
            vals.append(tuple(float(v) for v in line.split(":", 1)[1].split()))
    if len(vals) != len(SAMPLES):
        return None, "unexpected oiiotool output"
    return vals, None

if __name__ == "__main__":
    main()
