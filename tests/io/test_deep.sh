#!/bin/sh
# Deep EXR against the reference tools (OpenImageIO 2.4's oiiotool, OpenEXR's exrheader):
#  1. `vfx stats` on each deep file prints exactly what `oiiotool --stats` prints;
#  2. flattening (`vfx F --flatten -o`, `vfx convert --flatten`, and the automatic flatten of a
#     deep input written to a flat format) equals `oiiotool F --flatten` pixel for pixel
#     (oiiotool --diff --fail 0; same file types: half stays half, U32 makes float);
#  3. deep -> deep copies in every layout (scanline / tiled, none / rle / zips) are valid for
#     exrheader and read back in oiiotool with the source's statistics, and flatten in oiiotool
#     to exactly the source's flattening;
#  4. `vfx info -v` names the file deep and shows the sample counts;
#  5. `--deepmerge`, 6. `--deepholdout` and 7. `--deepen` equal oiiotool's (statistics,
#     flattened pixels); 8. unsupported cases (deep MIP levels > 0, multi-part output with a
#     deep part) are clear errors that leave no file.
set -u
V=${VFX_CLI:?}
T=${VFX_TESTDATA_DIR:?}
for t in oiiotool exrheader; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t missing"; exit 77; }
done
tmp=${VFX_TEST_TMP:-$(mktemp -d)}
mkdir -p "$tmp"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
same() { oiiotool "$1" "$2" --fail 0 --diff >"$tmp/d.txt" 2>&1 || { tail -4 "$tmp/d.txt"; return 1; }; }

D="$T/exr/deep"
for f in tinydeep 11.deep Balls; do
    # 1. statistics, byte for byte (run from the folder: both print the name as given)
    (cd "$D" && "$V" stats $f.exr) >"$tmp/v_$f.txt" 2>&1 || bad "vfx stats $f"
    (cd "$D" && oiiotool --stats $f.exr) >"$tmp/o_$f.txt" 2>&1
    cmp -s "$tmp/v_$f.txt" "$tmp/o_$f.txt" && ok ||
        { bad "stats $f differ from oiiotool"; diff "$tmp/v_$f.txt" "$tmp/o_$f.txt" | head; }
    "$V" -i "$D/$f.exr" --printstats >"$tmp/p_$f.txt" 2>&1
    sed 1d "$tmp/v_$f.txt" >"$tmp/vb.txt"
    sed 1d "$tmp/p_$f.txt" | cmp -s - "$tmp/vb.txt" && ok || bad "chain --printstats $f"

    # 2. flattening
    oiiotool "$D/$f.exr" --flatten -o "$tmp/o_$f.exr" || { bad "oiiotool flatten $f"; continue; }
    "$V" "$D/$f.exr" --flatten -o "$tmp/v_$f.exr" -q && same "$tmp/v_$f.exr" "$tmp/o_$f.exr" && ok ||
        bad "vfx --flatten $f differs from oiiotool --flatten"
    "$V" convert -q --flatten "$D/$f.exr" "$tmp/c_$f.exr" && same "$tmp/c_$f.exr" "$tmp/o_$f.exr" &&
        ok || bad "vfx convert --flatten $f"
    oiiotool --info "$tmp/v_$f.exr" | grep -q "channel, deep" && bad "flattened $f is still deep" || ok
    # automatic flatten: a flat op (--ch) or a flat format
    "$V" "$D/$f.exr" --ch A -o "$tmp/a_$f.exr" -q &&
        oiiotool "$tmp/o_$f.exr" --ch A -o "$tmp/oa_$f.exr" && same "$tmp/a_$f.exr" "$tmp/oa_$f.exr" &&
        ok || bad "deep $f feeding --ch is flattened"
    "$V" convert -q "$D/$f.exr" "$tmp/t_$f.tif" -d float &&
        oiiotool "$D/$f.exr" --flatten -d float -o "$tmp/of_$f.exr" &&
        "$V" convert -q "$tmp/of_$f.exr" "$tmp/ot_$f.tif" -d float && same "$tmp/t_$f.tif" "$tmp/ot_$f.tif" &&
        ok || bad "deep $f written as TIFF is flattened"

    # 3. deep copies
    for c in none rle zips; do
        for tile in "" "--tile 16x16" "--tile 64x32"; do
            o="$tmp/w_${f}_$c${tile:+_t}.exr"
            # shellcheck disable=SC2086
            "$V" "$D/$f.exr" --compression $c $tile -o "$o" -q || { bad "write $f $c $tile"; continue; }
            exrheader "$o" >"$tmp/h.txt" 2>&1 || { bad "exrheader rejects $f $c $tile"; continue; }
            want=deepscanline
            [ -n "$tile" ] && want=deeptile
            grep -q "\"$want\"" "$tmp/h.txt" && ok || bad "exrheader: $f $c $tile is not $want"
            oiiotool --stats "$o" 2>&1 | sed 1d >"$tmp/s.txt"
            sed 1d "$tmp/o_$f.txt" | cmp -s - "$tmp/s.txt" && ok ||
                bad "oiiotool --stats of the $c $tile copy of $f differs"
            # (-d float both sides: oiiotool picks the flat file's type from its own metadata)
            oiiotool "$o" --flatten -d float -o "$tmp/f.exr" &&
                oiiotool "$D/$f.exr" --flatten -d float -o "$tmp/g.exr" && same "$tmp/f.exr" "$tmp/g.exr" && ok ||
                bad "oiiotool flattens the $c $tile copy of $f differently"
        done
    done

    # 4. info
    "$V" info -v "$D/$f.exr" >"$tmp/i.txt" 2>&1 || bad "vfx info -v $f"
    grep -q "channel, deep " "$tmp/i.txt" && grep -q "Total deep samples in all pixels" "$tmp/i.txt" &&
        ok || bad "vfx info -v $f: no deep type or sample counts"
done

# deep EXR written by OpenImageIO (OpenEXR's C++ library), tiled and uncompressed: the sample
# count table of a partial tile is stored at the full tile size
oiiotool "$D/Balls.exr" --tile 16 16 --compression none -o "$tmp/oiio_tiled.exr"
(cd "$tmp" && "$V" stats oiio_tiled.exr | sed 1d) | cmp -s - "$tmp/vb.txt" && ok ||
    bad "vfx reads oiiotool's tiled uncompressed deep file"

# 5. --deepmerge against oiiotool --deepmerge: point samples (Balls with a deepened flattening
#    of itself, and with itself: coincident samples combine, opaque ones cull what is behind)
#    and volumes (ZBack > Z: samples split where the other image's depths fall inside)
B="$D/Balls.exr"
oiiotool "$B" --flatten --deepen -o "$tmp/bd.exr"
oiiotool --pattern constant:color=0.5,0.2,0.1,0.5,10,20 4x4 6 --chnames R,G,B,A,Z,ZBack --deepen \
    -o "$tmp/v1.exr"
oiiotool --pattern constant:color=0.1,0.3,0.6,0.4,15,25 4x4 6 --chnames R,G,B,A,Z,ZBack --deepen \
    -o "$tmp/v2.exr"
for pair in "$B $tmp/bd.exr" "$B $B" "$tmp/v1.exr $tmp/v2.exr"; do
    # shellcheck disable=SC2086
    oiiotool $pair --deepmerge -o "$tmp/mo.exr" || { bad "oiiotool --deepmerge $pair"; continue; }
    # shellcheck disable=SC2086
    "$V" $pair --deepmerge -o "$tmp/mv.exr" -q || { bad "vfx --deepmerge $pair"; continue; }
    oiiotool --stats "$tmp/mv.exr" | sed 1d >"$tmp/a.txt"
    oiiotool --stats "$tmp/mo.exr" | sed 1d >"$tmp/b.txt"
    cmp -s "$tmp/a.txt" "$tmp/b.txt" && ok || bad "deepmerge stats differ: $pair"
    oiiotool "$tmp/mv.exr" --flatten -d float -o "$tmp/f1.exr"
    oiiotool "$tmp/mo.exr" --flatten -d float -o "$tmp/f2.exr"
    same "$tmp/f1.exr" "$tmp/f2.exr" && ok || bad "deepmerge flattens differently: $pair"
done
# 6. --deepholdout against oiiotool --deepholdout: point samples (Balls and its deepened
#    flattening, both ways, and itself) and volumes cut where the holdout gets opaque (an opaque
#    volume [5, 15] and an opaque point at 12 holding out [10, 20], [15, 25] and two-sample
#    pixels; a volume starting at the cut stays, a split one loses its back part)
pat() { oiiotool --pattern "constant:color=$1" 4x4 6 --chnames R,G,B,A,Z,ZBack --deepen -o "$tmp/$2"; }
pat 0.3,0.3,0.3,1,5,15 h1.exr
pat 0.3,0.3,0.3,1,12,12 h2.exr
pat 0.5,0.2,0.1,0.5,10,12 v6.exr
pat 0.5,0.2,0.1,0.5,14,16 v7.exr
pat 0.5,0.2,0.1,0.5,15,20 v5.exr
oiiotool "$tmp/v6.exr" "$tmp/v7.exr" --deepmerge -o "$tmp/v67.exr"
oiiotool "$tmp/v6.exr" "$tmp/v5.exr" --deepmerge -o "$tmp/v65.exr"
for pair in "$B $tmp/bd.exr" "$tmp/bd.exr $B" "$B $B" "$tmp/v1.exr $tmp/h1.exr" \
    "$tmp/v2.exr $tmp/h1.exr" "$tmp/v1.exr $tmp/h2.exr" "$tmp/v2.exr $tmp/h2.exr" \
    "$tmp/v67.exr $tmp/h1.exr" "$tmp/v65.exr $tmp/h1.exr" "$tmp/h1.exr $tmp/v1.exr"; do
    # shellcheck disable=SC2086
    oiiotool $pair --deepholdout -o "$tmp/ho.exr" || { bad "oiiotool --deepholdout $pair"; continue; }
    # shellcheck disable=SC2086
    "$V" $pair --deepholdout -o "$tmp/hv.exr" -q || { bad "vfx --deepholdout $pair"; continue; }
    oiiotool --stats "$tmp/hv.exr" | sed 1d >"$tmp/a.txt"
    oiiotool --stats "$tmp/ho.exr" | sed 1d >"$tmp/b.txt"
    cmp -s "$tmp/a.txt" "$tmp/b.txt" && ok || bad "deepholdout stats differ: $pair"
    oiiotool "$tmp/hv.exr" --flatten -d float -o "$tmp/f1.exr"
    oiiotool "$tmp/ho.exr" --flatten -d float -o "$tmp/f2.exr"
    same "$tmp/f1.exr" "$tmp/f2.exr" && ok || bad "deepholdout flattens differently: $pair"
done

# 7. --deepen against oiiotool --deepen (flat files with a Z channel: oiiotool 2.4 fails on
#    those without one): which pixels get a sample (any channel but Z nonzero, or Z / Zback
#    nonzero and below 1e30; a "ZBack" channel counts as an ordinary one, as in OIIO 2.4), the
#    channel types (half stays half) and the values; then deepened inputs in --deepmerge
oiiotool --pattern checker:width=1:color1=0,0,0,0,4:color2=0,0.2,0,0,0 4x2 5 --chnames R,G,B,A,Z \
    -d half -o "$tmp/dz.exr"
oiiotool --pattern checker:width=1:color1=0,0,0,0,0,0:color2=0.5,0.2,0.1,0.5,2,0 4x2 6 \
    --chnames R,G,B,A,Z,ZBack -o "$tmp/dzb.exr"
oiiotool --pattern checker:width=1:color1=0,0,0,0,1e30,1e30:color2=0,0,0,0,1e30,0 4x2 6 \
    --chnames R,G,B,A,Z,ZBack -o "$tmp/dinf.exr"
oiiotool --pattern constant:color=0.5,0.2,0.1,3 4x4 4 --chnames R,G,B,Z -o "$tmp/dna.exr"
for f in "$tmp/o_Balls.exr" "$tmp/dz.exr" "$tmp/dzb.exr" "$tmp/dinf.exr" "$tmp/dna.exr"; do
    oiiotool "$f" --deepen -o "$tmp/eo.exr" || { bad "oiiotool --deepen $f"; continue; }
    "$V" "$f" --deepen -o "$tmp/ev.exr" -q || { bad "vfx --deepen $f"; continue; }
    oiiotool --stats "$tmp/ev.exr" | sed 1d >"$tmp/a.txt"
    oiiotool --stats "$tmp/eo.exr" | sed 1d >"$tmp/b.txt"
    cmp -s "$tmp/a.txt" "$tmp/b.txt" && ok || { bad "deepen stats differ: $f"; diff "$tmp/a.txt" "$tmp/b.txt" | head; }
    [ "$f" = "$tmp/dna.exr" ] && continue # no alpha: neither tool flattens it
    oiiotool "$tmp/ev.exr" --flatten -d float -o "$tmp/f1.exr"
    oiiotool "$tmp/eo.exr" --flatten -d float -o "$tmp/f2.exr"
    same "$tmp/f1.exr" "$tmp/f2.exr" && ok || bad "deepen flattens differently: $f"
done
oiiotool "$B" "$tmp/o_Balls.exr" --deepen --deepmerge -o "$tmp/mo.exr"
"$V" "$B" "$tmp/o_Balls.exr" --deepen --deepmerge -o "$tmp/mv.exr" -q || bad "vfx --deepen --deepmerge"
oiiotool --stats "$tmp/mv.exr" | sed 1d >"$tmp/a.txt"
oiiotool --stats "$tmp/mo.exr" | sed 1d >"$tmp/b.txt"
cmp -s "$tmp/a.txt" "$tmp/b.txt" && ok || bad "deepen + deepmerge stats differ"
# without a Z channel oiiotool 2.4 fails; vfx appends Z (:z=, default 1)
"$V" --pattern constant:color=0.5,0.2,0.1,0.5 4x4 4 --deepen:z=7 -o "$tmp/nz.exr" -q &&
    oiiotool --stats "$tmp/nz.exr" | grep -q "Stats Min: 0.500000 0.200000 0.100000 0.500000 7.000000" &&
    oiiotool --stats "$tmp/nz.exr" | grep -q "Total deep samples in all pixels: 16" && ok ||
    bad "vfx --deepen:z=7 without a Z channel"
# a deep image without alpha stays deep, but flattening it is a clear error
rm -f "$tmp/x.exr"
"$V" "$tmp/dna.exr" --deepen --flatten -o "$tmp/x.exr" -q 2>"$tmp/e.txt" &&
    bad "flattening a deep image without alpha succeeded" ||
    { grep -q "no alpha channel" "$tmp/e.txt" && [ ! -e "$tmp/x.exr" ] && ok || bad "no-alpha flatten: unclear error"; }

"$V" "$B" "$tmp/o_Balls.exr" --deepmerge -o "$tmp/x.exr" -q 2>"$tmp/e.txt" &&
    bad "deepmerge of a flat image succeeded" ||
    { grep -q "must be deep" "$tmp/e.txt" && ok || bad "deepmerge flat: unclear error"; }

# 8. what is not supported is a clear error, and no file: MIP levels above 0 of a deep file;
#    a multi-part EXR output with a deep part (single -o and several -o)
rm -f "$tmp/x.exr" "$tmp/y.exr"
"$V" -i:miplevel=1 "$B" -o "$tmp/x.exr" -q 2>"$tmp/e.txt" && bad "deep miplevel 1 succeeded" ||
    { grep -q "level 0 only" "$tmp/e.txt" && [ ! -e "$tmp/x.exr" ] && ok || bad "deep miplevel: unclear error"; }
"$V" "$tmp/o_Balls.exr" "$B" --siappend -o "$tmp/x.exr" -q 2>"$tmp/e.txt" &&
    bad "multi-part output with a deep part succeeded" ||
    { grep -q "part 1 is deep" "$tmp/e.txt" && [ ! -e "$tmp/x.exr" ] && ok || bad "deep multi-part: unclear error"; }
"$V" "$B" "$tmp/o_Balls.exr" --siappend -o "$tmp/x.exr" -o "$tmp/y.exr" -q 2>"$tmp/e.txt" &&
    bad "multi-part outputs with a deep part succeeded" ||
    { grep -q "part 0 is deep" "$tmp/e.txt" && [ ! -e "$tmp/x.exr" ] && [ ! -e "$tmp/y.exr" ] && ok ||
        bad "deep multi-part (several -o): unclear error"; }
# level 0 of a deep MIP file written by OpenEXR's C++ library (oiiotool 2.4.7 aborts on it):
# 8 x 6, (x + y) % 3 samples with A = 0.5, Z = 10 + sample index at level 0
M="${VFX_SOURCE_DIR:?}/fuzz/corpus/exr_deep/mip_tiled_zips.exr"
"$V" stats "$M" >"$tmp/m.txt" 2>&1 && grep -q "Total deep samples in all pixels: 48" "$tmp/m.txt" &&
    grep -q "Stats Max: 0.500000 11.000000" "$tmp/m.txt" && grep -q "Minimum depth was 10 at (1, 0)" "$tmp/m.txt" &&
    ok || bad "level 0 of a deep MIP file"
"$V" -i:miplevel=2 "$M" -o "$tmp/x.exr" -q 2>"$tmp/e.txt" && bad "deep MIP level 2 succeeded" ||
    { grep -q "level 0 only" "$tmp/e.txt" && [ ! -e "$tmp/x.exr" ] && ok || bad "deep MIP level 2: unclear error"; }
# ... and flattening the deep part first writes the file
"$V" --create 8x8 4 "$B" --flatten --siappend -o "$tmp/x.exr" -q &&
    oiiotool --info -a "$tmp/x.exr" | grep -q "subimage  1:  764 x  406, 5 channel, half" && ok ||
    bad "multi-part output of a flattened deep part"

echo "test_deep: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
