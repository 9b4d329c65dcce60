#!/bin/sh
# Image ops against oiiotool: the same chain through both tools, compared with idiff.
# The test image (587x675 RGBA half, values up to ~600) is scaled into [0, 1.2] first (--mulc),
# so tolerances are absolute on [0, 1]-ish data. Skips (77) without oiiotool/idiff.
set -u
V=${VFX_CLI:?}
T=${VFX_TESTDATA_DIR:?}
command -v oiiotool >/dev/null 2>&1 && command -v idiff >/dev/null 2>&1 || exit 77
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# same TOL DESCRIPTION chain-args...: vfx and oiiotool give the same pixels within TOL
same() {
    tol=$1; d=$2; shift 2
    rm -f "$tmp/a.exr" "$tmp/b.exr"
    if ! "$V" "$@" -q -d float -o "$tmp/a.exr" >"$tmp/out.txt" 2>&1; then
        bad "$d (vfx failed)"; sed 's/^/    /' "$tmp/out.txt" | head; return
    fi
    oiiotool "$@" -d float -o "$tmp/b.exr" >/dev/null 2>&1 || { bad "$d (oiiotool failed)"; return; }
    idiff -fail "$tol" "$tmp/a.exr" "$tmp/b.exr" >"$tmp/out.txt" 2>&1 && ok || { bad "$d differs"; tail -4 "$tmp/out.txt"; }
}
# samewin: also the data and display windows must agree
samewin() {
    same "$@"
    [ -s "$tmp/a.exr" ] && [ -s "$tmp/b.exr" ] || return
    win() { oiiotool --info -v "$1" | grep -E "channel,|full/display|data origin" | sed 's/^[^:]*://'; }
    [ "$(win "$tmp/a.exr")" = "$(win "$tmp/b.exr")" ] && ok || bad "$2: windows differ"
}
src="$T/exr/compression/comp_piz.exr"
s="$src --mulc 0.002"

# ---- resize: every filter, shrink (odd ratio, 50 %, 25 %) and enlarge --------------------------
# Tolerance 1e-5 absolute: float rounding of a differently ordered sum (OIIO sums 2-D products).
# radial-lanczos3 and disk are 2-D; OIIO 2.4 aborts on them when the x and y ratios differ
# (its iterator range uses radi for y), so they are tested at uniform scales only.
for f in box triangle gaussian sharp-gaussian catmull-rom blackman-harris sinc lanczos3 \
         mitchell bspline cubic keys simon rifman; do
    same 1e-5 "resize $f 200x150" $s --resize:filter=$f 200x150
    same 1e-5 "resize $f 50%" $s --resize:filter=$f 50%
    same 1e-5 "resize $f 1000x700" $s --resize:filter=$f 1000x700
done
for f in radial-lanczos3 disk; do
    same 1e-5 "resize $f 50%" $s --resize:filter=$f 50%
    same 1e-5 "resize $f 200%" $s --resize:filter=$f 200%
done
same 1e-5 "resize default (shrink)" $s --resize 25%
same 1e-5 "resize default (enlarge)" $s --resize 150%
same 1e-5 "resize keep aspect" $s --resize 0x100
same 1e-5 "resize of a cropped image" $s --crop 300x200+50+60 --resize 50%
# --fit: shrinking; enlarging by height, by width, keeping the aspect (OIIO 2.4 sizes the filter by
# the box over the source, and its support in y by the filter's x width: 300x500 cuts it short).
for m in "" ":pad=1" ":fillmode=height" ":filter=mitchell"; do
    samewin 1e-5 "fit$m enlarge 300x200" $s --cut 100x80+200+300 --fit$m 300x200
    samewin 1e-5 "fit$m enlarge 250x200" $s --cut 100x80+200+300 --fit$m 250x200
    samewin 1e-5 "fit$m enlarge 300x500" $s --cut 100x80+200+300 --fit$m 300x500
done
samewin 1e-5 "resize taller enlarge 300x2000" $s --resize:filter=lanczos3 300x2000
# --fit:exact=1: a fractional scale and offset (a warp), weights renormalised over the source
for m in "" ":pad=1" ":fillmode=width" ":filter=mitchell"; do
    samewin 1e-5 "fit:exact=1$m enlarge 301x500" $s --cut 100x80+200+300 --fit:exact=1$m 301x500
    samewin 1e-5 "fit:exact=1$m 301x200" $s --fit:exact=1$m 301x200
    samewin 1e-5 "fit:exact=1$m 200x401" $s --fit:exact=1$m 200x401
done
samewin 1e-5 "fit:fillmode=height enlarge 200x400" $s --cut 100x80+200+300 --fit:fillmode=height 200x400
for m in "" ":pad=1" ":fillmode=width" ":pad=1:fillmode=width" ":filter=box" ":fillmode=height"; do
    samewin 1e-5 "fit$m 300x200" $s --fit$m 300x200
    samewin 1e-5 "fit$m 200x400" $s --fit$m 200x400
done
same 1e-6 "resample nearest" $s --resample:interp=0 200x150
same 1e-6 "resample bilinear" $s --resample 200x150
same 1e-6 "resample bilinear up" $s --resample 1000x1100

# ---- convolution: --blur (separable kernels run as two 1-D passes), --unsharp, --laplacian,
# --kernel + --convolve. 1e-5: OIIO's gaussian uses an approximate exp (~1e-6 here).
same 1e-5 "blur 5x5" $s --blur 5x5
same 1e-5 "blur 20x20" $s --blur 20x20
same 1e-5 "blur 7x3" $s --blur 7x3
same 1e-5 "blur mitchell" $s --blur:kernel=mitchell 6x6
same 1e-5 "blur disk (2-D)" $s --blur:kernel=disk 7x7
same 1e-5 "blur lanczos3" $s --blur:kernel=lanczos3 6x6
same 1e-5 "blur of a cropped image" $s --crop 200x150+40+30 --blur 9x9
same 1e-5 "laplacian of a cropped image" $s --crop 200x150+40+30 --laplacian
same 1e-5 "unsharp" $s --unsharp
same 1e-5 "unsharp width contrast threshold" $s --unsharp:width=5:contrast=2:threshold=0.01
same 1e-6 "laplacian" $s --laplacian
for k in "gaussian 5x5" "bspline 7x3" "laplacian 3x3" "disk 5x5" "lanczos3 6x6"; do
    samewin 1e-6 "kernel $k" --kernel $k
done
same 1e-5 "convolve gaussian" $s --kernel gaussian 5x5 --convolve
same 1e-6 "convolve laplacian" $s --kernel laplacian 3x3 --convolve
same 1e-5 "convolve bspline 6x4" $s --kernel bspline 6x4 --convolve

# ---- compositing --------------------------------------------------------------------------------
FG="--pattern fill:top=0.9,0.2,0.1,0.9:bottom=0.1,0.4,0.05,0.1 64x48 4"
BG="--pattern checker:width=8:color1=0.2,0.3,0.4,1:color2=0.6,0.1,0,0.5 80x40 4"
same 1e-6 "over" $FG $BG --over
same 1e-6 "over, offset data windows (RoD = union)" $FG --crop 40x30+10+5 $BG --crop 50x30+20+12 --over
same 1e-6 "premult" $FG --premult
same 1e-5 "unpremult" $FG --unpremult
same 1e-6 "premult/unpremult of the test image" $s --unpremult --premult
ZA="--pattern fill:top=0.9,0.2,0.1,0.9,1:bottom=0.1,0.4,0.05,0.1,5 64x48 5 --ch R,G,B,A,Z=channel4"
ZB="--pattern checker:width=8:color1=0.2,0.3,0.4,1,0:color2=0.6,0.1,0,0.5,3 64x48 5 --ch R,G,B,A,Z=channel4"
same 1e-6 "zover" $ZA $ZB --zover
same 1e-6 "zover zeroisinf" $ZA $ZB --zover:zeroisinf=1

# ---- geometry: pixels exact, windows as oiiotool's (offset display windows included) -----------
for op in --flip --flop --rotate90 --rotate180 --rotate270 --transpose "--cut 100x80+30+40" \
          "--cut 100x80+250+40" "--origin +10+20" "--fullsize 700x800+5+6"; do
    samewin 0 "$op" $s $op
    samewin 0 "crop $op" $s --crop 200x100+30+40 $op
    samewin 0 "offset windows $op" $s --crop 200x100+30+40 --origin +7+9 --fullsize 300x200+3+2 $op
done

# ---- filtered warps: --rotate, --warp, --st_warp ---------------------------------------------------
# 1e-5: the same single-precision arithmetic as OIIO, in its order. st_warp 1e-4: the ST values
# come through --mulc/--add whose last bit may differ, and a 1e-7 shift of a sample position
# moves a filtered value by up to ~2e-5 here.
same 1e-5 "rotate 30" $s --rotate 30
samewin 1e-5 "rotate recompute_roi" $s --rotate:recompute_roi=1 30
samewin 1e-5 "rotate of a cropped image, recompute_roi" $s --crop 300x200+20+30 --rotate:recompute_roi=1 -41
same 1e-5 "rotate centre, box" $s --rotate:center=100,50:filter=box 17
for f in triangle mitchell catmull-rom gaussian disk radial-lanczos3; do
    same 1e-5 "rotate filter $f" $s --rotate:filter=$f 33
done
same 1e-5 "rotate, offset windows" $s --crop 200x100+30+40 --origin +7+9 --fullsize 300x200+3+2 --rotate 12
same 1e-5 "warp affine shrink" $s --warp 0.5,0.1,0,-0.1,0.6,0,20,30,1
samewin 1e-5 "warp affine enlarge recompute_roi" $s --warp:recompute_roi=1 1.7,0.2,0,-0.3,1.4,0,-20,10,1
same 1e-5 "warp projective" $s --warp 1.5,0.1,0,-0.1,1.6,0.0005,20,30,1
# :filterwidth= is ours (oiiotool 2.4 ignores it): the default width given explicitly
same 1e-5 "warp filter width" $s --warp:filter=gaussian:filterwidth=3 0.8,0,0,0,0.8,0,3,4,1
STMAP="--pattern fill:left=0,0,0:right=1,0,0 300x200 3 --pattern fill:top=0,0,0:bottom=0,1,0 300x200 3 --add"
samewin 1e-4 "st_warp" $s $STMAP --st_warp
same 1e-4 "st_warp scaled, mitchell" $s $STMAP --mulc 0.7,1.2,1 --addc 0.1,-0.1,0 --st_warp:filter=mitchell
same 1e-4 "st_warp flip, channels" $s $STMAP --flop --st_warp:flip_s=1:chan_t=0:flip_t=1
samewin 1e-4 "st_warp of a cropped, offset image" $s --crop 300x200+20+30 --origin +10+20 --fullsize 700x800+5+6 $STMAP --st_warp
oiiotool $STMAP -d half -o "$tmp/st_half.exr"
oiiotool $s --rotate 10 -d uint8 -o "$tmp/src_u8.tif"
same 1e-4 "st_warp, half ST map" $s "$tmp/st_half.exr" --st_warp
same 1e-5 "rotate, uint8 tiff in" "$tmp/src_u8.tif" --rotate 25

# ---- order filters, fixnan, fillholes ----------------------------------------------------------------
# Exact (0): the same values are picked; borders shrink the window as OIIO's.
for op in "--median 3x3" "--median 4x4" "--median 5x3" "--median 1x1" "--dilate 3x3" "--dilate 4x4" \
          "--dilate 2x5" "--dilate 1x1" "--erode 3x3" "--erode 4x2" "--erode 7x7"; do
    same 0 "$op" $s --crop 200x150+40+30 $op
done
same 1e-6 "median of a uint8 tiff (u8 -> float: 1 ulp)" "$tmp/src_u8.tif" --median 3x3
# isolated NaNs (negative values through --powc 0.5), one in a corner, one on an edge
oiiotool $s --crop 64x48+100+100 --origin +0+0 --create 64x48 4 --box:color=-1,-1,-1,0:fill=1 5,5,5,5 \
    --box:color=-1,0,-1,0:fill=1 0,0,0,0 --box:color=0,-1,0,0:fill=1 63,20,63,20 \
    --box:color=-1,-1,-1,-1:fill=1 30,40,30,40 --add --powc 0.5 -d float -o "$tmp/nan.exr"
same 0 "fixnan black" "$tmp/nan.exr" --fixnan black
same 1e-6 "fixnan box3" "$tmp/nan.exr" --fixnan box3
if "$V" "$tmp/nan.exr" --fixnan error -q -o "$tmp/fixnan_err.exr" 2>"$tmp/err.txt" ||
   [ -e "$tmp/fixnan_err.exr" ] || ! grep -q "NaN value at pixel (0, 0)" "$tmp/err.txt"; then
    bad "fixnan error: must fail, name the pixel, write nothing"; cat "$tmp/err.txt"
else ok; fi
# fillholes: holes in an opaque image (data window = display window; OIIO 2.4 misplaces the
# result of an offset data window, which we do not copy). 1e-5: resize sums.
oiiotool $s --crop 200x150+40+30 --origin +0+0 --fullsize 200x150 --ch R,G,B,A=1 --create 200x150 4 \
    --box:color=1,1,1,1:fill=1 20,20,120,90 --box:color=0.5,0.5,0.5,0.5:fill=1 150,100,170,140 \
    --mul -d half -o "$tmp/holes.exr"
samewin 1e-5 "fillholes" "$tmp/holes.exr" --fillholes
samewin 1e-5 "fillholes odd size" "$tmp/holes.exr" --cut 133x97+5+7 --fillholes

# ---- assembling, windows, channels: pixels exact, windows as oiiotool's ---------------------------
same 0 "paste" $s --crop 100x80+10+20 --pattern constant:color=0.1,0.2,0.3 50x40 3 --paste +30+10
samewin 0 "paste, fg with more channels" $s --crop 100x80+10+20 --pattern constant:color=0.1,0.2,0.3 150x140 3 --paste +30+10
samewin 0 "paste keep position" $s --crop 100x80+10+20 --pattern constant:color=0.1,0.2,0.3 50x40 3 --origin +5+5 --paste -
samewin 0 "paste RGB onto RGBA" --pattern constant:color=0.1,0.2,0.3 50x40 3 $s --crop 100x80+10+20 --paste +40+50
samewin 0 "paste:mergeroi=1 (data window: the union)" $s --crop 100x80+10+20 --pattern constant:color=0.1,0.2,0.3 50x40 3 --paste:mergeroi=1 +80+90
samewin 0 "paste:mergeroi=1 inside" $s --crop 100x80+10+20 --pattern constant:color=0.1,0.2,0.3 50x40 3 --paste:mergeroi=1 +30+30
samewin 0 "paste:mergeroi=1 keep position" $s --crop 100x80+10+20 --pattern constant:color=0.1,0.2,0.3 50x40 3 --origin +200+5 --paste:mergeroi=1 -
samewin 0 "mosaic" $s --crop 30x20+10+20 $s --crop 40x10 $s --cut 20x20 --fullsize 25x25 $s --crop 10x10+100+100 --mosaic 2x2
samewin 0 "mosaic pad" $s --crop 30x20+10+20 --pattern constant:color=0.5 20x30 1 $s --cut 20x20 --mosaic:pad=3 3x1
for sh in +30-7 -250+1000 +0+0; do
    samewin 0 "cshift $sh" $s --crop 100x80+10+20 --cshift $sh
done
# --ch: indices, unnamed constants (EXR sorts channels by name on disk, so also a TIFF, which keeps
# the order)
samewin 0 "ch indices and constants" $s --ch "2,0,A=0.5,=0.25,X=G,1"
"$V" $s --ch "2,0,A=0.5,=0.25,X=G,1" -q -d float -o "$tmp/cha.tif" &&
    oiiotool $s --ch "2,0,A=0.5,=0.25,X=G,1" -d float -o "$tmp/chb.tif" &&
    idiff -fail 0 "$tmp/cha.tif" "$tmp/chb.tif" >/dev/null 2>&1 && ok || bad "ch order (tiff)"
samewin 0 "croptofull" $s --crop 100x80+10+20 --croptofull
samewin 0 "croptofull, offset display" $s --crop 100x80+10+20 --fullsize 300x200+50+60 --croptofull
samewin 0 "trim" --create 50x40 3 --pattern constant:color=0,0.5,0 11x19 3 --origin +10+12 --paste - --trim
samewin 0 "trim of nothing" --create 50x40 3 --trim
samewin 0 "chappend" $s --ch R,G --pattern constant:color=0.5,0.6 20x20 2 --chappend
samewin 0 "chappend windows" $s --crop 50x50 --ch R,G,B --pattern constant:color=0.5 20x20 1 --origin +40+40 --chappend
samewin 1e-6 "chsum" $s --chsum
samewin 1e-6 "chsum weights" $s --crop 100x80+10+20 --chsum:weight=0.2,0.3,0.5,0
samewin 0 "maxchan" $s --maxchan
samewin 0 "minchan" $s --crop 100x80+10+20 --minchan
for o in 1 2 3 4 5 6 7 8; do
    oiiotool $s --cut 100x80+10+20 --orientation $o -d half -o "$tmp/or$o.tif"
    samewin 0 "reorient $o" "$tmp/or$o.tif" --reorient
done
samewin 0 "maxchan, half tiff in" "$tmp/or1.tif" --maxchan

# ---- arithmetic -----------------------------------------------------------------------------------
AR="--pattern fill:top=0.9,-0.2,1.5,1.3:bottom=0.1,0.4,0.05,-0.1 64x48 4"
same 1e-6 "abs" $AR --abs
same 1e-6 "invert" $AR --invert
same 1e-6 "invert chbegin chend" $AR --invert:chbegin=1:chend=4
same 1e-6 "powc" $AR --abs --powc 2.2
same 1e-6 "powc per channel" $AR --abs --powc 2.2,0.5,1,3
same 1e-6 "clamp" $AR --clamp:min=0:max=1
same 1e-6 "clamp per channel" $AR --clamp:min=0.1,0.2,0.3,0.4
same 1e-6 "clamp clampalpha" $AR --clamp:max=0.5:clampalpha=1
same 1e-6 "mad" $AR $BG --crop 64x48 $AR --mad
same 1e-6 "mad, offset windows" $AR --crop 30x20+5+5 $BG --crop 64x48 $AR --crop 20x20+30+20 --mad

# ---- tone and remap (op_tone.c): same float formulas as OIIO, 1e-6 -----------------------------
same 1e-6 "contrast black white" $s --contrast:black=0.1:white=0.9
same 1e-6 "contrast per channel, min max" $s --contrast:black=0.1,0.2,0.3,0:white=0.9,0.8,1,1:min=0.1:max=0.8
same 1e-6 "contrast sigmoid" $s --contrast:scontrast=5:sthresh=0.4
same 1e-6 "contrast threshold (black = white)" $s --contrast:black=0.5:white=0.5
same 1e-6 "contrast clamp" $s --contrast:clamp=1:max=0.8
same 1e-6 "saturate 1.5" $s --saturate 1.5
same 1e-6 "saturate 0" $s --saturate 0
same 1e-6 "saturate of HDR and negative values" $AR --saturate 2
# (oiiotool 2.4 ignores :firstchannel= -- it always works on channels 0-2 -- so that modifier
# is not compared here)
same 1e-6 "rangecompress" $s --mulc 10 --rangecompress
same 1e-6 "rangecompress luma" $s --mulc 10 --rangecompress:luma=1
same 1e-6 "rangeexpand" $s --rangeexpand
same 1e-6 "rangeexpand luma" $s --rangeexpand:luma=1
same 1e-5 "rangecompress then rangeexpand" $s --mulc 10 --rangecompress --rangeexpand
for m in inferno viridis magma plasma turbo blue-red spectrum heat; do
    same 1e-6 "colormap $m" $s --colormap $m
done
same 1e-6 "colormap of one channel" $s --ch R --colormap viridis
same 1e-6 "colormap user knots" $s --colormap 0,0,0,1,0,0,1,1,0,1,1,1
same 1e-6 "repremult" --pattern checker:color1=0.9,0.2,0.1,0:color2=0.6,0.1,0,0.5 64x48 4 --repremult
same 1e-6 "repremult of the test image" $s --repremult

# ---- blend modes: the ones oiiotool can express on opaque images --------------------------------
# (all ten, with and without alpha, are checked against the W3C formulas in test_ops_blend.c)
B1="--pattern fill:top=0.9,0.2,0.1:bottom=0.1,0.4,0.7 64x48 3"
B2="--pattern checker:width=8:color1=0.2,0.3,0.4:color2=0.6,0.1,0.9 64x48 3"
for m in "multiply:$B1 $B2 --mul" "darken:$B1 $B2 --min" "add:$B1 $B2 --add" "screen:$B1 $B2 --add $B1 $B2 --mul --sub" "lighten:$B1 $B2 --max" \
         "difference:$B1 $B2 --absdiff" "exclusion:$B1 $B2 --add $B1 $B2 --mul --mulc 2 --sub"; do
    mode=${m%%:*}; ref=${m#*:}
    rm -f "$tmp/a.exr" "$tmp/b.exr"
    "$V" $B1 $B2 --blend:mode=$mode -q -d float -o "$tmp/a.exr" >/dev/null 2>&1
    oiiotool $ref -d float -o "$tmp/b.exr" >/dev/null 2>&1
    idiff -fail 1e-6 "$tmp/a.exr" "$tmp/b.exr" >/dev/null 2>&1 && ok || bad "blend $mode"
done

# ---- drawing: the same pixels as oiiotool (Bresenham with its tie rule, colours over) ------------
DB="--pattern checker:width=8:color1=0.2,0.3,0.4,1:color2=0.6,0.1,0,0.5 80x60 4"
for l in 1,1,17,7 17,7,1,1 1,7,17,1 17,1,1,7 3,2,9,40 9,40,3,2 9,2,3,40 3,40,9,2 0,0,79,59 \
         79,0,0,59 40,30,40,30 5,5,70,55,3,40,60,2 5,5,70,5,70,50,5,50,5,5 -10,-5,100,70; do
    same 0 "line $l" $DB --line:color=1,0,0,0.5 $l
done
same 0 "line, default colour" $DB --line 5,5,70,55
same 0 "points" $DB --point:color=1,1,1,0.5 0,0,79,59,40,30,40,30
same 0 "box" $DB --box:color=1,0,0,0.5 2,2,60,40
same 0 "box, corners swapped" $DB --box:color=1,0,0,0.5 60,40,2,2
same 0 "box filled" $DB --box:color=0,1,0,0.25:fill=1 2,2,60,40
same 0 "fill" $DB --fill:color=0,0,1,1 30x20+10+5
same 0 "fill past the data window" $DB --fill:color=0,0,1,1 30x20+70+50
same 1e-6 "fill top bottom" $DB --fill:top=0,0,1,1:bottom=1,0,0,0 30x20+10+5
same 1e-6 "fill left right" $DB --fill:left=0,0,1,1:right=1,0,0,0 30x20+10+5
same 1e-6 "fill four corners" $DB --fill:topleft=0,0,1,1:topright=1,0,0,0:bottomleft=0,1,0,1:bottomright=1,1,1,1 30x20+10+5

# ---- noise: our random numbers are not OIIO's, so compare the distributions: per-channel mean and
# standard deviation over 256x256 pixels within 0.005 (about 6 standard errors), salt's portion too
dist() {
    d=$1; shift
    "$V" "$@" -q -d float -o "$tmp/a.exr" >/dev/null 2>&1 && oiiotool "$@" -d float -o "$tmp/b.exr" >/dev/null 2>&1 ||
        { bad "$d (failed)"; return; }
    "$V" stats "$tmp/a.exr" | grep ' min ' >"$tmp/sa.txt"
    "$V" stats "$tmp/b.exr" | grep ' min ' >"$tmp/sb.txt"
    paste "$tmp/sa.txt" "$tmp/sb.txt" | awk -v tol=0.005 '{
        n = NF / 2; ma = $7; sa = $9; mb = $(n + 7); sb = $(n + 9)
        if ((ma - mb) ^ 2 > tol * tol || (sa - sb) ^ 2 > tol * tol) { print "  " $0; bad = 1 }
    } END { exit bad }' && ok || bad "$d: distributions differ"
}
NB="--pattern constant:color=0.5,0.5,0.5,1 256x256 4"
dist "noise gaussian" $NB --noise:type=gaussian:mean=0.1:stddev=0.2
dist "noise gaussian mono" $NB --noise:type=gaussian:stddev=0.2:mono=1
dist "noise uniform" $NB --noise:type=uniform:min=-0.1:max=0.3
dist "noise salt" $NB --noise:type=salt:value=0:portion=0.3
dist "noise salt mono" $NB --noise:type=salt:value=2:portion=0.1:mono=1
dist "noise default" $NB --noise
"$V" $NB --noise:type=gaussian:stddev=0.2:mono=1 --ch R,G -o "$tmp/m.exr" >/dev/null 2>&1 &&
    "$V" "$tmp/m.exr" --ch R "$tmp/m.exr" --ch G --diff >/dev/null && ok || bad "noise mono: channels differ"

# ---- FFT (FFTW; OIIO uses kissfft): 1e-4 absolute on transforms whose DC term is ~10 ------------
same 1e-4 "fft" $s --fft
same 1e-4 "fft of a cropped image (the display window is transformed)" $s --crop 200x100+30+40 --fft
same 1e-4 "fft odd size" $s --ch G --resize 127x95 --fft
same 1e-5 "fft then ifft" $s --fft --ifft
same 1e-5 "ifft of a cropped fft" $s --crop 200x100+30+40 --fft --ifft
same 1e-4 "fft amplitude" $s --fft --polar --ch real
same 1e-5 "polar (phase in [0, 2 pi))" $s --ch R,G --addc -0.5 --polar
same 1e-5 "unpolar" $s --ch R,G --unpolar
same 1e-4 "fft polar unpolar" $s --fft --polar --unpolar
# (the phase of near-zero imaginary parts sits on the 0 / 2 pi branch cut, where float rounding
# of two FFT libraries picks either side: phases are compared through amplitude and unpolar)

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
