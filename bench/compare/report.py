#!/usr/bin/env python3
"""Helpers of bench/compare/run (standard library only).

  report.py diff A B                      compare two images with oiiotool; prints one JSON line
  report.py stats-agree RESULTS CASE TOOL  compare TOOL's printed statistics with vfx's; JSON line
  report.py table RESULTS                 the markdown report from RESULTS/{meta,cases,raw,agree}.tsv
"""
import csv
import json
import math
import os
import re
import statistics
import subprocess
import sys

TOOLS = ["vfx", "oiiotool", "vips", "convert"]
ORDER = ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "W8s", "W9", "W10", "W11",
         "Dexrt", "Dtif", "Dpng", "Djpg", "Dexr16k", "Dtif11"]
TITLES = {
    "W1": "EXR ZIP scanline -> EXR PIZ",
    "W2": "Lanczos3 resize 8192 -> 4096, EXR -> EXR",
    "W3": "linear Rec.709 EXR -> sRGB 8-bit PNG",
    "W4": "33^3 .cube 3D LUT on a 16-bit TIFF",
    "W5": "Gaussian blur sigma 5, PNG -> PNG",
    "W6": "JPEG -> PNG",
    "W7": "over of two 8192^2 RGBA EXRs (premultiplied)",
    "W8": "1024^2 crop from a tiled 8192^2 EXR",
    "W8s": "1024^2 crop from a scanline 8192^2 EXR",
    "W9": "16384^2 EXR -> 25% Lanczos3 -> sRGB JPEG q90",
    "W10": "per-channel min/max/mean of an 8192^2 RGBA EXR",
    "W11": "libvips benchmark: 5000^2 8-bit tiled TIFF, crop 100, shrink 10%, 3x3 sharpen, tiled TIFF",
    "Dexr": "decode 8192^2 RGBA half EXR ZIP scanline",
    "Dexrt": "decode 8192^2 RGBA half EXR ZIP tiled 64",
    "Dtif": "decode 8192^2 RGB 16-bit TIFF (uncompressed)",
    "Dpng": "decode 8192^2 RGB 8-bit PNG",
    "Djpg": "decode 8192^2 RGB q90 JPEG",
    "Dexr16k": "decode 16384^2 RGB half EXR ZIP scanline",
    "Dtif11": "decode 5000^2 RGB 8-bit tiled TIFF (the W11 input)",
}
NOTES = {
    "W2": "vips cannot write EXR: it writes its native uncompressed float `.v` file. Compared on RGB "
          "(vips keeps alpha on a 0-255 scale).",
    "W3": "vips and ImageMagick convert with their own sRGB curve; oiiotool with its built-in "
          "linear -> sRGB.",
    "W4": "ImageMagick 6 cannot read `.cube`; it applies the same look as a level-6 Hald CLUT "
          "(36^3), so small differences are expected.",
    "W5": "sigma 5 is spelled differently per tool: oiiotool `--blur 23x23` (sigma_eff 5.06, a "
          "brute-force 2-D kernel), vips `gaussblur 5 --min-ampl 0.01` (4.94), IM `-blur 0x5` (5.01). "
          "vips writes PNG without row filters (faster, larger files).",
    "W7": "vips writes `.v` (uncompressed float); ImageMagick's Over assumes straight alpha and its "
          "Q16 build clips to [0,1], so its pixels differ.",
    "W8": "vips writes `.v`. Outputs are compared with both data windows moved to the origin (a vfx "
          "without `--cut` uses `--crop`, which leaves the window where it was in the data window).",
    "W8s": "vips writes `.v`. Outputs are compared with both data windows moved to the origin.",
    "W9": "vips runs `vipsthumbnail` (its `resize` writes linear values to 8 bits with no transfer "
          "function); it shrinks by 2 with a box filter before the Lanczos3 step, and ImageMagick resizes "
          "the Q16-clipped values, so both differ from a float Lanczos3 around the HDR highlights.",
    "W10": "Agreement: the printed min/max/mean of every channel against vfx's. vips reports alpha on "
           "a 0-255 scale; ImageMagick Q16 clips EXR values to [0,1].",
    "W11": "The vips CLI cannot chain operations, so it passes `.v` temporaries between `crop`, "
           "`reduce` (linear kernel) and `conv` (integer precision), as the libvips benchmark's shell "
           "version does. oiiotool convolves with the same 3x3 kernel read from a PFM file; ImageMagick "
           "uses `-morphology Convolve`.",
}

# codec floors (codec_floor.c): which library measurements bound each vfx case. Each part is
# (input, op, settings prefix or None, factor): the floor is the sum of factor x median.
# W2's and W9's outputs are smaller than their inputs (factor = output pixels / input pixels).
A, B, C, D, E, F = ("a_rgba_half_zip_scan.exr", "b_rgba_half_zip_tile64.exr", "c_rgb16.tif",
                    "d_rgb8.png", "e_rgb8_q90.jpg", "f_rgb_half_zip_16k.exr")
T11 = "w11_rgb8_tile128.tif"
FLOOR_OF = [
    ("W1", [(A, "decode", None, 1), (A, "encode", "piz", 1)], "EXR ZIP decode + PIZ encode"),
    ("W2", [(A, "decode", None, 1), (A, "encode", "zip", 0.25)],
     "EXR decode + ZIP encode of a quarter of the pixels (the resize itself is not in the floor)"),
    ("W3", [(A, "decode", None, 1), (D, "encode", "zlib-level-4", 1)],
     "EXR decode + PNG level-4 encode of the PNG input (the same scene, 8-bit sRGB)"),
    ("W4", [(C, "decode", None, 1), (C, "encode", "none", 1)],
     "TIFF decode + uncompressed TIFF encode (the LUT is not in the floor)"),
    ("W5", [(D, "decode", None, 1), (D, "encode", "zlib-level-4", 1)],
     "PNG decode + PNG level-4 encode (the blur is not in the floor)"),
    ("W6", [(E, "decode", None, 1), (E, "encode", "zlib-level-4", 1)],
     "JPEG decode + PNG level-4 encode of those pixels"),
    ("W7", [(A, "decode", None, 2), (A, "encode", "zip", 1)],
     "two EXR decodes (the second input's counted as the first's) + ZIP encode"),
    ("W9", [(F, "decode", None, 1), (E, "encode", "q90", 0.25)],
     "16384^2 EXR decode + q90 JPEG encode of 4096^2 pixels (a quarter of the JPEG input's figure)"),
    ("W10", [(A, "decode", None, 1)], "EXR ZIP scanline decode"),
    ("W11", [(T11, "decode", None, 1), (T11, "encode", "none,tiles", 0.778)],
     "tiled TIFF decode + tiled encode of the 4410^2 output"),
    ("Dexrt", [(B, "decode", None, 1)], "EXR ZIP tiled decode"),
    ("Dtif", [(C, "decode", None, 1)], "uncompressed TIFF decode"),
    ("Dpng", [(D, "decode", None, 1)], "PNG decode"),
    ("Djpg", [(E, "decode", None, 1)], "JPEG decode"),
    ("Dexr16k", [(F, "decode", None, 1)], "EXR ZIP scanline decode"),
    ("Dtif11", [(T11, "decode", None, 1)], "tiled TIFF decode"),
]
# the vfx case closest to a decode floor of each input
DECODE_CASE = {A: "W10", B: "Dexrt", C: "Dtif", D: "Dpng", E: "Djpg", F: "Dexr16k", T11: "Dtif11"}


def oiio_info(path):
    out = subprocess.run(["oiiotool", "--info", path], capture_output=True, text=True).stdout
    m = re.search(r":\s*(\d+)\s*x\s*(\d+),\s*(\d+) channel", out)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def cmd_diff(a, b):
    res = {}
    tmp = []
    if b.endswith(".v"):        # vips native format: make a float TIFF oiiotool can read
        # (RGB only: vips keeps EXR alpha on a 0-255 scale, and OIIO would premultiply by it)
        t = b[:-2] + ".cmp.tif"
        subprocess.run(["vips", "extract_band", b, t, "0", "--n", "3"], capture_output=True)
        tmp.append(t)
        b = t
        res["note"] = "RGB only"
    ia, ib = oiio_info(a), oiio_info(b)
    if not ia or not ib:
        res["error"] = "unreadable output"
    elif ia[:2] != ib[:2]:
        res["error"] = "size differs: %dx%d vs %dx%d" % (ia[0], ia[1], ib[0], ib[1])
    else:
        k = min(ia[2], ib[2])
        if res.get("note"):
            k = min(k, 3)
        if k != ia[2] or k != ib[2]:
            res.setdefault("note", "first %d channels" % k)
        ch = ["--ch", ",".join(str(i) for i in range(k))] if (k != ia[2] or k != ib[2]) else []
        cmd = ["oiiotool", a, "--origin", "+0+0", "--fullpixels"] + ch + \
              [b, "--origin", "+0+0", "--fullpixels"] + ch + ["--diff"]
        out = subprocess.run(cmd, capture_output=True, text=True).stdout
        num = r"([-+0-9.eE]+|inf|nan)"
        mx = re.search(r"Max error\s*=\s*" + num, out)
        rms = re.search(r"RMS error\s*=\s*" + num, out)
        if mx and rms:
            res["max"] = float(mx.group(1))
            res["rms"] = float(rms.group(1))
            res["psnr"] = 20 * math.log10(1.0 / res["rms"]) if res["rms"] > 0 else None
        elif "PASS" in out:
            res["max"] = 0.0
            res["rms"] = 0.0
        else:
            res["error"] = "oiiotool --diff failed"
    for t in tmp:
        try:
            os.unlink(t)
        except OSError:
            pass
    print(json.dumps(res))


def last_log(results, case, tool):
    logs = [f for f in os.listdir(os.path.join(results, "logs"))
            if re.fullmatch(re.escape("%s.%s." % (case, tool)) + r"\d+\.log", f)]
    if not logs:
        return None
    logs.sort(key=lambda f: int(f.split(".")[-2]))
    return open(os.path.join(results, "logs", logs[-1])).read()


def parse_vfx_stats(text):
    st = {}
    for line in text.splitlines():
        m = re.match(r"\s+(\S+)\s+min\s+(\S+)\s+max\s+(\S+)\s+mean\s+(\S+)", line)
        if m:
            st[m.group(1)] = [float(m.group(i)) for i in (2, 3, 4)]
    return st


def input_of(results, case):
    with open(os.path.join(results, "cases.tsv")) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if r["case"] == case and r["inputs"]:
                return r["inputs"].split()[0]
    return None


def cmd_stats_agree(results, case, tool):
    ours = parse_vfx_stats(last_log(results, case, "vfx") or "")
    text = last_log(results, case, tool) or ""
    theirs = {}
    if tool == "oiiotool":
        src = input_of(results, case)
        info = subprocess.run(["oiiotool", "--info", "-v", src], capture_output=True, text=True).stdout
        m = re.search(r"channel list:\s*(.*)", info)
        names = [n.strip() for n in m.group(1).split(",")] if m else []
        rows = {}
        for key in ("Min", "Max", "Avg"):
            m = re.search(r"Stats %s:\s*([^(\n]*)" % key, text)
            rows[key] = [float(v) for v in m.group(1).split()] if m else []
        for i, n in enumerate(names):
            if all(i < len(rows[k]) for k in rows):
                theirs[n] = [rows["Min"][i], rows["Max"][i], rows["Avg"][i]]
    elif tool == "vips":
        path = os.path.join(results, "out", "%s.vips.csv" % case)
        try:
            lines = [l.split("\t") for l in open(path).read().splitlines() if l.strip()]
        except OSError:
            lines = []
        for n, row in zip("RGB", lines[1:]):      # row 0 = all bands; then band 0, 1, ...
            theirs[n] = [float(row[0]), float(row[1]), float(row[4])]   # (alpha: 0-255 scale)
    elif tool == "convert":
        vals = [l.split() for l in text.splitlines() if re.fullmatch(r"[-0-9.e+ ]+", l.strip() or "x")]
        for n, row in zip("RGBA", vals):
            theirs[n] = [float(v) / 65535.0 for v in row[:3]]
    common = [n for n in ours if n in theirs]
    if not common:
        print(json.dumps({"error": "no statistics to compare"}))
        return
    def compare(scale):
        worst, worst_rel, where = 0.0, 0.0, ""
        for n in common:
            for what, x, y in zip(("min", "max", "mean"), ours[n], theirs[n]):
                x *= scale
                d = abs(x - y)
                rel = d / max(abs(x), abs(y), 1e-12)
                if d > worst:
                    worst, worst_rel, where = d, rel, "%s %s: %.6g vs %.6g" % (n, what, x, y)
        return worst, worst_rel, where
    # integer files: one tool may print code values (0-255, 0-65535), the other 0-1
    best = min((compare(sc) + (sc,) for sc in ((1.0, 1 / 255.0, 1 / 65535.0, 255.0, 65535.0) if tool == "oiiotool" else (1.0,))), key=lambda t: t[0])
    worst, worst_rel, where, scale = best
    res = {"stats_max": worst, "stats_rel": worst_rel, "values": 3 * len(common), "where": where}
    if scale < 1.0:
        res["note"] = "vfx's code values scaled by 1/%d" % round(1 / scale)
    elif scale > 1.0:
        res["note"] = "%s prints code values: vfx's scaled by %d" % (tool, scale)
    print(json.dumps(res))


# ------------------------------------------------------------------------------------------------
def read_tsv(path):
    try:
        with open(path) as f:
            return list(csv.DictReader(f, delimiter="\t"))
    except OSError:
        return []


def is_clean(r):
    try:
        w, f = float(r["wall_s"]), float(r["foreign_cpu_s"] or 0)
    except ValueError:
        return False
    return f < max(0.15 * w, 0.1)


def summarize(runs, planned, cap=0):
    ok = [r for r in runs if r["rc"] == "0"]
    if not ok:
        r = runs[-1]
        rc = r["rc"]
        what = "timeout" if rc in ("124", "137") else "failed (exit %s)" % rc
        if what == "timeout" and cap and r["tool"] != "vfx":
            # stopped at the peer cap: a lower bound on its time, not a failure
            return {"capped": cap, "wall": cap, "rss": int(r["maxrss_kib"] or 0) / 1024, "n": len(runs)}
        return {"fail": what, "wall": float(r["wall_s"] or 0), "rss": int(r["maxrss_kib"] or 0) / 1024,
                "n": len(runs)}
    clean = [r for r in ok if is_clean(r)]
    use = clean if len(clean) >= min(planned, len(ok)) else ok
    walls = [float(r["wall_s"]) for r in use]
    return {
        "n": len(runs), "n_ok": len(ok), "n_clean": len(clean), "noisy": use is ok and len(clean) < len(ok),
        "wall": statistics.median(walls), "wmin": min(walls), "wmax": max(walls),
        "rss": statistics.median(int(r["maxrss_kib"]) / 1024 for r in use),
        "cpu": statistics.median(float(r["user_s"]) + float(r["sys_s"]) for r in use),
        "foreign": max(float(r["foreign_cpu_s"] or 0) for r in runs),
        "out": statistics.median(int(r["out_bytes"] or 0) for r in use),
    }


def fmt_s(x):
    return "%.3f" % x if x < 1 else "%.2f" % x if x < 100 else "%.0f" % x


def cell(s):
    if s is None:
        return ""
    if s.get("na"):
        return "n/a"
    if s.get("fail"):
        return s["fail"]
    if s.get("capped"):
        return "> %s s (stopped)" % fmt_s(s["capped"])
    return "%s%s s / %.0f MiB" % ("~" if s["noisy"] else "", fmt_s(s["wall"]), s["rss"])


def agree_text(a):
    if a is None:
        return ""
    try:
        d = json.loads(a["result"])
    except ValueError:
        return "comparison failed"
    if "error" in d:
        return d["error"]
    if "stats_max" in d:
        if d["stats_max"] == 0:
            return "identical (%d values%s)" % (d["values"], "; " + d["note"] if d.get("note") else "")
        return "max abs diff %.3g (rel %.2g) over %d values; worst %s%s" % (
            d["stats_max"], d["stats_rel"], d["values"], d["where"],
            " (%s)" % d["note"] if d.get("note") else "")
    note = " (%s)" % d["note"] if d.get("note") else ""
    if d["max"] == 0:
        return "identical" + note
    psnr = "PSNR %.1f dB" % d["psnr"] if d.get("psnr") is not None else ""
    verdict = "agree" if (d.get("psnr") or 0) >= 50 else "close" if (d.get("psnr") or 0) >= 30 else "DIFFER"
    return "%s: max %.3g, %s%s" % (verdict, d["max"], psnr, note)


def ratio_text(v, p):
    if not v or not p or v.get("fail") or p.get("fail") or v.get("na") or p.get("na") or not p["wall"]:
        return "", ""
    if p.get("capped"):
        return "< %.2f" % (v["wall"] / p["capped"]), ""
    t = v["wall"] / p["wall"]
    m = v["rss"] / p["rss"] if p["rss"] else 0
    return "%.2f" % t, "%.2f" % m


def table(results):
    meta = {}
    for line in open(os.path.join(results, "meta.tsv")):
        k, _, v = line.rstrip("\n").partition("\t")
        meta[k] = v
    cases = read_tsv(os.path.join(results, "cases.tsv"))
    raw = read_tsv(os.path.join(results, "raw.tsv"))
    agree = {(r["case"], r["tool"]): r for r in read_tsv(os.path.join(results, "agree.tsv"))}
    C = {(r["case"], r["tool"]): r for r in cases}
    runs = {}
    for r in raw:
        runs.setdefault((r["case"], r["tool"]), []).append(r)
    S = {}
    for key, c in C.items():
        if c["status"] == "na":
            S[key] = {"na": True, "why": c["command"]}
        elif key in runs:
            S[key] = summarize(runs[key], int(c["reps"] or 1), int(meta.get("peer_timeout") or 0))
    smoke = meta.get("smoke") == "1"
    inputs, out = meta.get("inputs", ""), os.path.join(results, "out")
    aux = os.path.join(results, "aux")

    def short(cmd):
        lk = meta.get("links", "@@")
        cmd = cmd.replace(lk + "/out/", "$OUT/").replace(lk + "/aux/", "$AUX/").replace(lk + "/in/", "$IN/")
        cmd = cmd.replace(out + "/", "$OUT/").replace(aux + "/", "$AUX/").replace(inputs + "/", "$IN/")
        if meta.get("shared"):
            cmd = cmd.replace(meta["shared"] + "/", "$SHARED/")
        cmd = re.sub(r"\S*/vfx(?= )", "vfx", cmd, count=1)
        return cmd

    L = []
    w = L.append
    w("# Benchmarks: vfx against oiiotool, vips and ImageMagick")
    w("")
    if smoke:
        w("**Smoke run** (%d^2 inputs, 1 repetition): checks that the harness works; the figures "
          "mean nothing." % int(meta.get("n", 512)))
        w("")
    w("Written by `bench/compare/run` on %s (%s s of measuring). Regenerate with `bench/compare/run` "
      "(or `cmake --build build --target bench`); add `--filter W9` for one workload, `--smoke` for "
      "a quick check. Inputs: the shared deterministic set (`make-inputs.sh`, %d^2), made when missing."
      % (meta.get("date"), meta.get("elapsed_s"), int(meta.get("n", 8192))))
    w("")
    w("## Machine and tools")
    w("")
    w("| | |")
    w("|---|---|")
    w("| machine | %s cores, %s, %s |" % (meta.get("cores"), meta.get("mem"), meta.get("cpu")))
    w("| system | %s, %s |" % (meta.get("os"), meta.get("kernel")))
    w("| vfx | %s, %s build, commit %s; reads %s; writes %s |" % (
        meta.get("vfx"), meta.get("vfx_build"), meta.get("vfx_commit", "?").replace("|", "/"),
        meta.get("vfx_reads") or "-", meta.get("vfx_writes") or "-"))
    for t in ("oiiotool", "vips", "convert"):
        if meta.get(t):
            extra = ""
            if t == "convert":
                extra = " (`%s`, resource policy: %s)" % (meta.get("convert_path"), meta.get("magick_policy", "").replace(meta.get("shared", "@@"), "$SHARED"))
            w("| %s | %s%s |" % (t, meta[t], extra))
        else:
            w("| %s | not installed |" % t)
    w("")
    w("## Method")
    w("")
    long_ = meta.get("long", "8")
    cap = int(meta.get("peer_timeout") or 0)
    w("* Every command runs as `/usr/bin/time -f '%e %M %U %S' timeout 400 bash -c CMD` (180 s for the "
      "decode floors): wall seconds, "
      "peak RSS of the largest process, CPU seconds. Inputs are read once before each workload, so "
      "the page cache is warm. Every tool runs at its default thread count.")
    if cap:
        w("* A peer's run is stopped after %d s and shown as `> %d s (stopped)`, with vfx's time ratio "
          "as an upper bound (`< x`); the full figures of the slowest peers are in the shared "
          "`bench/peers-baseline.md`. vfx always gets the whole timeout." % (cap, cap))
    w("* The tools of a workload alternate: one run of each per round, the order rotating between "
      "rounds. %s run(s) per tool; a tool whose first run takes longer than %s s runs once (marked `1` "
      "in the runs column), which keeps the whole matrix near 15 minutes on 2 cores. When vfx cannot "
      "run a workload yet, its peers run once, for reference." % (meta.get("runs"), long_))
    if meta.get("over_budget", "").strip():
        w("* The measuring took longer than its budget (%s s), so these ran once: %s." % (
            meta.get("budget"), ", ".join("`%s`" % x for x in meta["over_budget"].split())))
    w("* Reported: the median over the clean runs. A run is clean when the rest of the machine used "
      "less than 0.15 core on average during it (CPU time from `/proc/stat` minus the tool's own). "
      "Before each run the harness waits up to %s s (%s s in total) for the machine to go quiet; "
      "tools with noisy runs get up to two extra runs while the run is in the first half of its time "
      "budget. `~` marks a median that had to include noisy runs." % (meta.get("quiet_wait"), meta.get("quiet_waited_s")))
    w("* `vfx/tool` = vfx's median time (or peak RSS) divided by the tool's: below 1, vfx is faster "
      "(or smaller). Agreement compares each tool's output with vfx's: `oiiotool --diff` on the "
      "pixels (values as floats, 8-bit as 0-1; data windows moved to the origin), PSNR with peak 1.0; "
      "`agree` means PSNR >= 50 dB, `close` 30-50 dB.")
    w("* What vfx can do is discovered at run time (`vfx --help`, formats tried on 16x16 files, each "
      "command first run on the 512^2 inputs); workloads it cannot run are listed as n/a with the reason.")
    w("")

    # who shared the machine
    if raw:
        fr = [float(r["foreign_cpu_s"] or 0) for r in raw]
        wall = [float(r["wall_s"] or 0) for r in raw]
        dirty = [r for r in raw if not is_clean(r)]
        frac = sum(fr) / sum(wall) if sum(wall) else 0
        w("**Machine load.** %d timed runs; other processes used %.0f CPU-s during them (%.2f core on "
          "average); %d runs were noisy (others above 0.15 core). %s" % (
              len(raw), sum(fr), frac, len(dirty),
              "Other jobs shared the machine during this run: treat differences under ~20 % with care."
              if dirty else "The machine was otherwise quiet."))
        w("")

    # summary
    w("## Summary (median wall time / peak RSS)")
    w("")
    w("| workload | vfx | oiiotool | vips | convert | vfx vs the fastest peer |")
    w("|---|---|---|---|---|---|")
    for case in ORDER:
        if not any((case, t) in S for t in TOOLS):
            continue
        row = [cell(S.get((case, t))) for t in TOOLS]
        v = S.get((case, "vfx"))
        best = None
        for t in TOOLS[1:]:
            p = S.get((case, t))
            if p and not p.get("na") and not p.get("fail") and (best is None or p["wall"] < best[1]["wall"]):
                best = (t, p)
        cmp_ = ""
        if v and not v.get("na") and not v.get("fail") and best and v["wall"] > 0:
            r = best[1]["wall"] / v["wall"]
            cmp_ = "%.1fx faster than %s" % (r, best[0]) if r >= 1 else "%.1fx slower than %s" % (1 / r, best[0])
            if best[1].get("capped"):  # every peer was stopped
                cmp_ = "more than " + cmp_
        elif v and v.get("na"):
            cmp_ = "n/a: " + v["why"]
        w("| %s %s | %s | %s |" % (case, TITLES.get(case, ""), " | ".join(row), cmp_))
    w("")

    # per workload
    def section(cases_, heading, intro=""):
        if not any((c, t) in S for c in cases_ for t in TOOLS):
            return
        w("## " + heading)
        w("")
        if intro:
            w(intro)
            w("")
        for case in cases_:
            if not any((case, t) in S for t in TOOLS):
                continue
            w("### %s %s" % (case, TITLES.get(case, "")))
            w("")
            w("| tool | median s | min-max s | peak MiB | CPU s | runs (clean) | vfx/tool time | vfx/tool RSS | output vs vfx |")
            w("|---|---|---|---|---|---|---|---|---|")
            v = S.get((case, "vfx"))
            for t in TOOLS:
                s = S.get((case, t))
                if s is None:
                    continue
                if s.get("na"):
                    w("| %s | n/a: %s | | | | | | | |" % (t, s["why"]))
                    continue
                if s.get("fail"):
                    w("| %s | %s after %s s | | %.0f | | %d | | | |" % (t, s["fail"], fmt_s(s["wall"]), s["rss"], s["n"]))
                    continue
                if s.get("capped"):
                    tr, _ = ratio_text(v, s)
                    w("| %s | > %s (stopped) | | | | %d | %s | | |" % (t, fmt_s(s["capped"]), s["n"], tr))
                    continue
                tr, mr = ("", "") if t == "vfx" else ratio_text(v, s)
                w("| %s | %s%s | %s-%s | %.0f | %.2f | %d (%d) | %s | %s | %s |" % (
                    t, "~" if s["noisy"] else "", fmt_s(s["wall"]), fmt_s(s["wmin"]), fmt_s(s["wmax"]),
                    s["rss"], s["cpu"], s["n"], s["n_clean"], tr, mr,
                    "" if t == "vfx" else agree_text(agree.get((case, t)))))
            w("")
            for t in TOOLS:
                c = C.get((case, t))
                if c and c["status"] == "run":
                    w("* %s: `%s`" % (t, short(c["command"])))
            if case in NOTES:
                w("* " + NOTES[case])
            w("")

    section([c for c in ORDER if c.startswith("W")], "Workloads")
    section([c for c in ORDER if c.startswith("D")],
            "Floors: decode only (vfx `stats`, oiiotool `--stats`, vips `avg`, ImageMagick to `null:`)",
            "The scanline 8192^2 EXR's decode floor is W10 (the same commands). vfx and oiiotool also "
            "compute statistics; vips sums the pixels; ImageMagick converts to its Q16 pixel cache.")

    codec_floors(results, meta, S, w)

    w("## Floor: memory bandwidth")
    w("")
    mb = os.path.join(results, "membw.txt")
    rows = []
    if os.path.exists(mb):
        for line in open(mb):
            p = line.split()
            if len(p) >= 4 and p[0] in ("memcpy", "memset", "read", "fault"):
                rows.append(p)
    if rows:
        w("`membw` (the shared `bench/membw.c`, `cc -O3 -march=native`), GB/s = 1e9 B/s, median (best) "
          "of the repetitions; `fault` = first touch of freshly mapped memory.")
        w("")
        w("| op | 1 thread GB/s | 2 threads GB/s |")
        w("|---|---|---|")
        ops = {}
        for p in rows:
            ops.setdefault(p[0], {})[p[1]] = "%s (%s)" % (p[2], p[3])
        for op, d in ops.items():
            w("| %s | %s | %s |" % (op, d.get("1", ""), d.get("2", "")))
    else:
        w("not measured in this run.")
    w("")
    if raw:
        w("## Every run")
        w("")
        w("In the order they ran. foreign CPU = CPU seconds the rest of the machine used during the "
          "run; clean = below max(0.15 x wall, 0.1 s).")
        w("")
        w("| case | tool | run | exit | wall s | peak MiB | CPU s | foreign CPU s | clean | load |")
        w("|---|---|---|---|---|---|---|---|---|---|")
        for r in raw:
            try:
                cpu = "%.2f" % (float(r["user_s"]) + float(r["sys_s"]))
            except ValueError:
                cpu = ""
            w("| %s | %s | %s | %s | %s | %.0f | %s | %s | %s | %s |" % (
                r["case"], r["tool"], r["run"], r["rc"], r["wall_s"], int(r["maxrss_kib"] or 0) / 1024,
                cpu, r["foreign_cpu_s"], "yes" if is_clean(r) else "no", r["load1"]))
        w("")
    na = [(c["case"], c["tool"], c["command"]) for c in cases if c["status"] == "na"]
    if na:
        w("## Not measured")
        w("")
        for case, tool, why in sorted(na, key=lambda x: (ORDER.index(x[0]) if x[0] in ORDER else 99, TOOLS.index(x[1]))):
            w("* %s %s: %s" % (case, tool, why))
        w("")
    print("\n".join(L))


def read_codec(results):
    """codec.tsv (codec_floor.c lines) -> list of dicts"""
    keys = ["tag", "op", "codec", "settings", "threads", "median", "min", "cpu", "reps", "sample",
            "mibps", "out", "input", "geom"]
    rows = []
    try:
        lines = open(os.path.join(results, "codec.tsv")).read().splitlines()
    except OSError:
        return None
    for line in lines:
        p = line.split("\t")
        if len(p) < len(keys) or p[0] != "floor":
            continue
        r = dict(zip(keys, p))
        r["ok"] = r["threads"] != "na"
        if r["ok"]:
            for k in ("median", "min", "cpu", "mibps"):
                r[k] = float(r[k])
            r["out"] = int(r["out"])
        rows.append(r)
    return rows


def codec_floors(results, meta, S, w):
    rows = read_codec(results)
    if rows is None:
        return
    w("## Floors: decode and encode through each codec library")
    w("")
    if not rows:
        w("not measured in this run.")
        w("")
        return
    w("`bench/compare/codec_floor.c` decodes each input whole into memory with its codec library "
      "(libpng, libjpeg-turbo, libtiff, OpenEXRCore's C API, as vfx's readers use them), then "
      "encodes those pixels with the settings the workloads write, on one thread (these libraries "
      "have no threads of their own; OpenEXRCore leaves them to its caller; the EXR inputs are "
      "measured again through OpenEXR's C++ library with 2 worker threads, `codec_floor_exr.cpp`), "
      "alternating decode and encodes, median of up to %s repetitions (a measurement over 1 s runs once). No tool's "
      "pipeline is around it: it is what a single-threaded program spends in the library alone. "
      "Each decode writes a freshly allocated buffer (its page faults included); each encode writes "
      "a file to the page cache. The `vfx` rows are vfx's own encoders writing the same pixels "
      "from memory (`bench/bench_encode.c`, vfx's reader and writer, no graph), at vfx's default "
      "thread count. %s(%s s in all.)" % (
          meta.get("runs"),
          "" if meta.get("smoke") == "1" else
          "`rows` 1/K: the slow zlib encoders (PNG, EXR ZIP) ran on 1 band of 64 rows in 4 (in 8 "
          "for libpng's default level 6), spread over the frame, and the 16384^2 EXR decoded 1 band "
          "in 4; their time and size are scaled by K (a full-image estimate that keeps the floors "
          "near 40 s). On a busy machine, compare the CPU columns: these programs are "
          "single-threaded, so their CPU time is what they would take on an idle core. ",
          meta.get("codec_floor_s") or "?"))
    w("")

    def vfx_cell(case):
        v = S.get((case, "vfx"))
        if not v or v.get("na") or v.get("fail") or "cpu" not in v:
            return "", None
        return "%s: %s s (CPU %s)" % (case, fmt_s(v["wall"]), fmt_s(v["cpu"])), v

    # grouped: per input (in run order), decode first, then each setting: the one-thread
    # library, then the same work with threads (OpenEXR C++) and by vfx's encoder
    first = {}
    for i, r in enumerate(rows):
        first.setdefault(r["input"], i)
    def order(r):
        lib = r["codec"].split("/", 1)[-1]
        return (first[r["input"]], r["op"] != "decode", r["codec"].split("/")[0], r["settings"].split(",")[0],
                r["settings"], "vfx" in lib, r["threads"])
    rows = sorted(rows, key=order)
    def base_of(r):
        if r["threads"] == "1" or not r["ok"]:
            return None
        for b in rows:
            if b["ok"] and b["threads"] == "1" and b["input"] == r["input"] and b["op"] == r["op"] and \
                    b["codec"].split("/")[0] == r["codec"].split("/")[0] and \
                    b["settings"].split(",")[0] == r["settings"].split(",")[0]:
                return b
        return None
    w("| input | library | op | settings | threads | s | CPU s | MiB/s (raw pixels) | output MiB | runs | rows | vs the 1-thread library: time (CPU) | closest vfx case: wall (CPU) |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        lib = r["codec"].split("/", 1)[-1]
        if not r["ok"]:
            w("| %s | %s | %s | %s | | n/a: %s | | | | | | | |" % (r["input"], lib, r["op"], r["settings"], r["geom"]))
            continue
        vc = ""
        if r["op"] == "decode" and r["input"] in DECODE_CASE:
            vc, _ = vfx_cell(DECODE_CASE[r["input"]])
        b = base_of(r)
        vs = "%.2f (%.2f)" % (r["median"] / b["median"], r["cpu"] / b["cpu"] if b["cpu"] else 0) if b and b["median"] else ""
        w("| %s (%s) | %s | %s | %s | %s | %s | %s | %.0f | %s | %s | %s | %s | %s |" % (
            r["input"], r["geom"], lib, r["op"], r["settings"].replace(",", ", "), r["threads"], fmt_s(r["median"]),
            fmt_s(r["cpu"]), r["mibps"], "%.1f" % (r["out"] / 1048576.0) if r["op"] == "encode" else "",
            r["reps"], r["sample"], vs, vc))
    w("")

    def find(inp, op, pre, threads="1"):
        for r in rows:
            if r["ok"] and "vfx" not in r["codec"] and r["input"] == inp and r["op"] == op and r["threads"] == threads and \
                    (pre is None or r["settings"].startswith(pre)):
                return r
        return None

    out = []
    for case, parts, what in FLOOR_OF:
        got = [(find(i, op, pre), f) for i, op, pre, f in parts]
        if any(r is None for r, _ in got):
            continue
        fl = sum(r["median"] * f for r, f in got)
        fc = sum(r["cpu"] * f for r, f in got)
        got2 = [(find(i, op, pre, "2"), f) for i, op, pre, f in parts]
        fl2 = sum(r["median"] * f for r, f in got2) if all(r for r, _ in got2) else None
        vc, v = vfx_cell(case)
        if not v:
            continue
        out.append("| %s %s | %s | %s | %s | %s | %s | %.2f | %.2f |" % (
            case, TITLES.get(case, ""), what, fmt_s(fl), fmt_s(fl2) if fl2 else "", fmt_s(v["wall"]),
            fmt_s(v["cpu"]), v["wall"] / fl if fl else 0, v["cpu"] / fc if fc else 0))
    if out:
        w("**vfx against the library floor.** The floor of a case is the sum of its library "
          "measurements above on one thread (and, for the EXR-only cases, with OpenEXR's C++ "
          "library at 2 threads); vfx runs its whole pipeline at its default thread "
          "count. wall / floor below 1: vfx finishes sooner than the library alone could on one "
          "core (threads, or a faster codec: vfx deflates PNG and EXR ZIP with libdeflate, not "
          "zlib, and decodes ZIP chunks in parallel); CPU / floor above 1: the CPU vfx spends "
          "beyond the codec (the op itself, format conversion, threads' overhead).")
        w("")
        w("| vfx case | library floor = | floor s | floor s, 2 threads (OpenEXR C++) | vfx wall s | vfx CPU s | vfx wall / floor | vfx CPU / floor CPU |")
        w("|---|---|---|---|---|---|---|---|")
        for line in out:
            w(line)
        w("")


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "diff":
        cmd_diff(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 5 and sys.argv[1] == "stats-agree":
        cmd_stats_agree(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 3 and sys.argv[1] == "table":
        table(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
