/* Writing a processor into LUT files (.cube, .spi3d, .spi1d, .3dl, .clf, .ctf,
 * .cc, .cdl), atomically (a temporary name renamed on success). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "color/color_int.h"

/* Ops that act on each channel alone (so a 1D LUT can hold the processor). */
static int
per_channel(const vfx_color_processor *p)
{
    for (int32_t i = 0; i < p->n_ops; i++) {
        const vfx__color_op *op = &p->ops[i];
        switch (op->code) {
        case VFX_COLOR_OP_MATRIX:
            for (int k = 0; k < 9; k++)
                if (k % 4 != 0 && op->u.matrix.m[k] != 0.0)
                    return 0;
            break;
        case VFX_COLOR_OP_CDL:
            if (op->u.cdl.cdl.saturation != 1.0)
                return 0;
            break;
        case VFX_COLOR_OP_LUT1D:
            if (op->u.lut1d.hue_adjust)
                return 0;
            break;
        case VFX_COLOR_OP_LUT3D:
        case VFX_COLOR_OP_HLG_OOTF:
        case VFX_COLOR_OP_FIXED:
        case VFX_COLOR_OP_OPENDRT:
        case VFX_COLOR_OP_GRADING_PRIMARY: return 0;
        case VFX_COLOR_OP_GRADING_RGB_CURVE: /* curves act per channel */
        case VFX_COLOR_OP_GRADING_TONE: break;
        default: break;
        }
    }
    return 1;
}

/* Evaluate the processor on a size^3 grid, red fastest. */
static vfx_status
sample_3d(const vfx_color_processor *p, int32_t size, float **out)
{
    size_t e = (size_t) size, n = e * e * e;
    float *t = vfx__alloc(n * 4 * sizeof(float));
    if (!t)
        return vfx__nomem();
    for (size_t b = 0; b < e; b++)
        for (size_t g = 0; g < e; g++)
            for (size_t r = 0; r < e; r++) {
                float *q = t + 4 * (r + e * (g + e * b));
                q[0] = (float) ((double) r / (double) (e - 1));
                q[1] = (float) ((double) g / (double) (e - 1));
                q[2] = (float) ((double) b / (double) (e - 1));
                q[3] = 1.0f;
            }
    vfx_status s = vfx_color_processor_apply_f32(p, t, 4, 0, 0, (int32_t) (e * e), (int32_t) e);
    if (s != VFX_OK) {
        vfx__free(t);
        return s;
    }
    *out = t;
    return VFX_OK;
}

/* The shortest of %.15g .. %.17g that reads back as exactly @p v (so 1.1 stays
 * "1.1"). */
static const char *
num(char buf[40], double v)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, 40, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

/* num() into one of 8 rotating per-thread buffers, for use inside one fprintf.
 */
static const char *
dnum(double v)
{
    static _Thread_local char bufs[8][40];
    static _Thread_local unsigned k;
    return num(bufs[k++ % 8], v);
}

/* ---- .3dl: a shaper line of 10-bit input codes, then size^3 rows of 12-bit
 * output codes, blue fastest. Values are clamped to [0, 1]: the format holds
 * integer codes only. Readers (vfx and OCIO) tell the output depth from the
 * largest code, so a LUT whose outputs all stay below 0.25 reads back as
 * 10-bit; such LUTs belong in .cube or .clf. */
static vfx_status
write_3dl(FILE *f, const vfx_color_processor *p, int32_t size)
{
    float *t = NULL;
    VFX_TRY(sample_3d(p, size, &t));
    size_t e = (size_t) size;
    for (size_t i = 0; i < e; i++)
        fprintf(f, "%s%ld", i ? " " : "", lround(1023.0 * (double) i / (double) (e - 1)));
    fputc('\n', f);
    for (size_t r = 0; r < e; r++)
        for (size_t g = 0; g < e; g++)
            for (size_t b = 0; b < e; b++) {
                const float *q = t + 4 * (r + e * (g + e * b));
                long c[3];
                for (int k = 0; k < 3; k++) {
                    double v =
                        q[k] > 0.0f ? (q[k] < 1.0f ? (double) q[k] : 1.0) : 0.0; /* NaN -> 0 */
                    c[k] = lround(v * 4095.0);
                }
                fprintf(f, "%ld %ld %ld\n", c[0], c[1], c[2]);
            }
    vfx__free(t);
    return VFX_OK;
}

/* ---- .cc / .cdl: one ASC CDL (the processor must be a single forward CDL op,
 * or empty) ---- */
static vfx_status
write_cdl(FILE *f, const vfx_color_processor *p, int is_cdl)
{
    vfx_cdl c = {{1, 1, 1}, {0, 0, 0}, {1, 1, 1}, 1.0};
    if (p->n_ops > 1 || (p->n_ops == 1 && (p->ops[0].code != VFX_COLOR_OP_CDL ||
                                           p->ops[0].u.cdl.dir != VFX_DIR_FORWARD)))
        return vfx__fail(VFX_ERR_UNSUPPORTED, "lut: only a single forward ASC CDL can be written "
                                              "as .cc / .cdl (use .clf for other processors)");
    if (p->n_ops == 1)
        c = p->ops[0].u.cdl.cdl;
    const char *ind = is_cdl ? "        " : "";
    if (is_cdl)
        fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<ColorDecisionList xmlns=\"urn:ASC:CDL:v1.01\">\n    "
                   "<ColorDecision>\n");
    fprintf(f, "%s<ColorCorrection id=\"vfx\">\n", ind);
    fprintf(f, "%s    <SOPNode>\n", ind);
    char a[40], b[40], d[40];
    fprintf(f, "%s        <Slope>%s %s %s</Slope>\n", ind, num(a, c.slope[0]), num(b, c.slope[1]),
            num(d, c.slope[2]));
    fprintf(f, "%s        <Offset>%s %s %s</Offset>\n", ind, num(a, c.offset[0]),
            num(b, c.offset[1]), num(d, c.offset[2]));
    fprintf(f, "%s        <Power>%s %s %s</Power>\n", ind, num(a, c.power[0]), num(b, c.power[1]),
            num(d, c.power[2]));
    fprintf(f, "%s    </SOPNode>\n%s    <SatNode>\n", ind, ind);
    fprintf(f, "%s        <Saturation>%s</Saturation>\n", ind, num(a, c.saturation));
    fprintf(f, "%s    </SatNode>\n%s</ColorCorrection>\n", ind, ind);
    if (is_cdl)
        fprintf(f, "    </ColorDecision>\n</ColorDecisionList>\n");
    return VFX_OK;
}

/* ---- .clf (Academy CLF v3) and .ctf (Autodesk CTF)
 * ---------------------------------------- Ops with a process node are written
 * exactly: matrices, 1D and 3D LUTs (half-domain 1D LUTs too; inverse 1D LUTs
 * in .ctf only), range, exponents and monCurves, log / LogAffine / LogCamera,
 * ASC CDL, pure-gamma transfer functions (as mirrored exponents), and in .ctf
 * the fixed functions. A processor holding any other op (other transfer
 * functions, exposure / contrast, HLG OOTF, OpenDRT) is baked whole: into a
 * 4096-entry LUT1D over [0, 1] when its ops act on each channel alone, else
 * into a size^3 LUT3D over [0, 1]. */

static double
gamma_of(vfx_transfer tf)
{
    switch (tf) {
    case VFX_TRANSFER_GAMMA_1_8: return 1.8;
    case VFX_TRANSFER_GAMMA_2_0: return 2.0;
    case VFX_TRANSFER_GAMMA_2_2: return 2.2;
    case VFX_TRANSFER_GAMMA_2_4:
    case VFX_TRANSFER_BT1886: return 2.4;
    case VFX_TRANSFER_GAMMA_2_6: return 2.6;
    default: return 0.0;
    }
}

static int
clf_node_ok(const vfx__color_op *op, int ctf)
{
    switch (op->code) {
    case VFX_COLOR_OP_MATRIX:
    case VFX_COLOR_OP_LUT3D:
    case VFX_COLOR_OP_RANGE:
    case VFX_COLOR_OP_EXPONENT:
    case VFX_COLOR_OP_MONCURVE:
    case VFX_COLOR_OP_LOG:
    case VFX_COLOR_OP_CDL: return 1;
    case VFX_COLOR_OP_LUT1D:
        return ctf || (op->u.lut1d.dir == VFX_DIR_FORWARD && !op->u.lut1d.hue_adjust);
    case VFX_COLOR_OP_TRANSFER:
        return op->u.transfer.tf == VFX_TRANSFER_LINEAR || gamma_of(op->u.transfer.tf) > 0.0;
    case VFX_COLOR_OP_FIXED: return ctf;
    default: return 0;
    }
}

#define BD "inBitDepth=\"32f\" outBitDepth=\"32f\""

static void
clf_matrix(FILE *f, const double m[9], const double o[3])
{
    fprintf(f, "    <Matrix " BD ">\n        <Array dim=\"3 4\">\n");
    for (int r = 0; r < 3; r++)
        fprintf(f, "            %s %s %s %s\n", dnum(m[3 * r]), dnum(m[3 * r + 1]),
                dnum(m[3 * r + 2]), dnum(o[r]));
    fprintf(f, "        </Array>\n    </Matrix>\n");
}

static void
clf_lut1d(FILE *f, const float *t, int32_t n, int inverse, int half, int hue)
{
    fprintf(f, "    <%s " BD "%s%s>\n        <Array dim=\"%d 3\">\n",
            inverse ? "InverseLUT1D" : "LUT1D", half ? " halfDomain=\"true\"" : "",
            hue ? " hueAdjust=\"dw3\"" : "", (int) n);
    for (int32_t i = 0; i < n; i++)
        fprintf(f, "            %.9g %.9g %.9g\n", t[3 * i], t[3 * i + 1], t[3 * i + 2]);
    fprintf(f, "        </Array>\n    </%s>\n", inverse ? "InverseLUT1D" : "LUT1D");
}

static void
clf_lut3d(FILE *f, const float *t, int32_t n, size_t stride, int tetra)
{
    size_t e = (size_t) n;
    fprintf(f, "    <LUT3D " BD " interpolation=\"%s\">\n        <Array dim=\"%d %d %d 3\">\n",
            tetra ? "tetrahedral" : "trilinear", (int) n, (int) n, (int) n);
    for (size_t r = 0; r < e; r++)
        for (size_t g = 0; g < e; g++)
            for (size_t b = 0; b < e; b++) {
                const float *q = t + stride * (r + e * (g + e * b));
                fprintf(f, "            %.9g %.9g %.9g\n", q[0], q[1], q[2]);
            }
    fprintf(f, "        </Array>\n    </LUT3D>\n");
}

static void
clf_exponent(FILE *f, const char *style, const double g[3], const double *off)
{
    static const char ch[3] = {'R', 'G', 'B'};
    fprintf(f, "    <Exponent " BD " style=\"%s\">\n", style);
    for (int c = 0; c < 3; c++) {
        fprintf(f, "        <ExponentParams channel=\"%c\" exponent=\"%s\"", ch[c], dnum(g[c]));
        if (off)
            fprintf(f, " offset=\"%s\"", dnum(off[c]));
        fprintf(f, "/>\n");
    }
    fprintf(f, "    </Exponent>\n");
}

static vfx_status
clf_node(FILE *f, const vfx__color_op *op)
{
    static const char ch[3] = {'R', 'G', 'B'};
    switch (op->code) {
    case VFX_COLOR_OP_MATRIX: clf_matrix(f, op->u.matrix.m, op->u.matrix.offset); break;
    case VFX_COLOR_OP_LUT1D:
        clf_lut1d(f, op->u.lut1d.table, op->u.lut1d.n, op->u.lut1d.dir == VFX_DIR_INVERSE,
                  op->u.lut1d.half_domain, op->u.lut1d.hue_adjust);
        break;
    case VFX_COLOR_OP_LUT3D:
        clf_lut3d(f, op->u.lut3d.table, op->u.lut3d.n, 3,
                  op->u.lut3d.interp == VFX_INTERP_TETRAHEDRAL);
        break;
    case VFX_COLOR_OP_RANGE: {
        double s = op->u.range.scale, o = op->u.range.offset, lo = op->u.range.lo,
               hi = op->u.range.hi;
        if (s != 1.0 || o != 0.0) {
            double m[9] = {s, 0, 0, 0, s, 0, 0, 0, s}, off[3] = {o, o, o};
            clf_matrix(f, m, off);
        }
        if (isfinite(lo) || isfinite(hi)) {
            fprintf(f, "    <Range " BD ">\n");
            if (isfinite(lo))
                fprintf(f, "        <minInValue>%s</minInValue>\n", dnum(lo));
            if (isfinite(hi))
                fprintf(f, "        <maxInValue>%s</maxInValue>\n", dnum(hi));
            if (isfinite(lo))
                fprintf(f, "        <minOutValue>%s</minOutValue>\n", dnum(lo));
            if (isfinite(hi))
                fprintf(f, "        <maxOutValue>%s</maxOutValue>\n", dnum(hi));
            fprintf(f, "    </Range>\n");
        }
        break;
    }
    case VFX_COLOR_OP_EXPONENT: {
        static const char *const st[3] = {"basicFwd", "basicMirrorFwd", "basicPassThruFwd"};
        clf_exponent(f, st[op->u.exponent.style], op->u.exponent.gamma, NULL);
        break;
    }
    case VFX_COLOR_OP_TRANSFER: {
        double g = gamma_of(op->u.transfer.tf);
        if (g > 0.0) {
            double e = op->u.transfer.dir == VFX_DIR_FORWARD ? 1.0 / g : g, gg[3] = {e, e, e};
            clf_exponent(f, "basicMirrorFwd", gg, NULL);
        }
        break;
    }
    case VFX_COLOR_OP_MONCURVE: {
        int fwd = op->u.moncurve.dir == VFX_DIR_FORWARD;
        const char *st = op->u.moncurve.mirror ? (fwd ? "monCurveMirrorFwd" : "monCurveMirrorRev")
                                               : (fwd ? "monCurveFwd" : "monCurveRev");
        clf_exponent(f, st, op->u.moncurve.gamma, op->u.moncurve.offset);
        break;
    }
    case VFX_COLOR_OP_LOG: {
        const vfx_log_params *lp = &op->u.log.p;
        int fwd = op->u.log.dir == VFX_DIR_FORWARD, cam = isfinite(lp->lin_break[0]);
        const char *st =
            cam ? (fwd ? "cameraLinToLog" : "cameraLogToLin") : (fwd ? "linToLog" : "logToLin");
        fprintf(f, "    <Log " BD " style=\"%s\">\n", st);
        for (int c = 0; c < 3; c++) {
            fprintf(f,
                    "        <LogParams channel=\"%c\" base=\"%s\" logSideSlope=\"%s\" "
                    "logSideOffset=\"%s\" linSideSlope=\"%s\" linSideOffset=\"%s\"",
                    ch[c], dnum(lp->base), dnum(lp->log_slope[c]), dnum(lp->log_offset[c]),
                    dnum(lp->lin_slope[c]), dnum(lp->lin_offset[c]));
            if (cam)
                fprintf(f, " linSideBreak=\"%s\" linearSlope=\"%s\"", dnum(lp->lin_break[c]),
                        dnum(lp->linear_slope[c]));
            fprintf(f, "/>\n");
        }
        fprintf(f, "    </Log>\n");
        break;
    }
    case VFX_COLOR_OP_CDL: {
        const vfx_cdl *c = &op->u.cdl.cdl;
        int fwd = op->u.cdl.dir == VFX_DIR_FORWARD, nc = op->u.cdl.style == VFX_CDL_NO_CLAMP;
        fprintf(f, "    <ASC_CDL " BD " style=\"%s%s\">\n", fwd ? "Fwd" : "Rev",
                nc ? "NoClamp" : "");
        fprintf(f, "        <SOPNode>\n            <Slope>%s %s %s</Slope>\n", dnum(c->slope[0]),
                dnum(c->slope[1]), dnum(c->slope[2]));
        fprintf(f, "            <Offset>%s %s %s</Offset>\n", dnum(c->offset[0]),
                dnum(c->offset[1]), dnum(c->offset[2]));
        fprintf(f, "            <Power>%s %s %s</Power>\n        </SOPNode>\n", dnum(c->power[0]),
                dnum(c->power[1]), dnum(c->power[2]));
        fprintf(f,
                "        <SatNode>\n            <Saturation>%s</Saturation>\n      "
                "  </SatNode>\n",
                dnum(c->saturation));
        fprintf(f, "    </ASC_CDL>\n");
        break;
    }
    case VFX_COLOR_OP_FIXED: {
        static const char *const names[VFX_FIXED_COUNT][2] = {
            {"Rec2100SurroundFwd", "Rec2100SurroundInv"},
            {"RGB_TO_HSV", "HSV_TO_RGB"},
            {"XYZ_TO_xyY", "xyY_TO_XYZ"},
            {"XYZ_TO_uvY", "uvY_TO_XYZ"},
            {"XYZ_TO_LUV", "LUV_TO_XYZ"},
        };
        if ((int) op->u.fixed.f < 0 || op->u.fixed.f >= VFX_FIXED_COUNT)
            return vfx__fail(VFX_ERR_UNSUPPORTED, "lut: fixed function %d has no CTF node",
                             (int) op->u.fixed.f);
        fprintf(f, "    <FixedFunction " BD " style=\"%s\"",
                names[op->u.fixed.f][op->u.fixed.dir == VFX_DIR_INVERSE]);
        if (op->u.fixed.f == VFX_FIXED_REC2100_SURROUND)
            fprintf(f, " params=\"%s\"", dnum(op->u.fixed.param));
        fprintf(f, "/>\n");
        break;
    }
    default: return vfx__fail(VFX_ERR_INTERNAL, "lut: op %d has no process node", (int) op->code);
    }
    return VFX_OK;
}

static vfx_status
write_clf(FILE *f, const vfx_color_processor *p, int ctf, int32_t size)
{
    int exact = 1;
    for (int32_t i = 0; i < p->n_ops; i++)
        exact &= clf_node_ok(&p->ops[i], ctf);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if (ctf)
        fprintf(f, "<ProcessList version=\"2\" id=\"vfx\">\n");
    else
        fprintf(f, "<ProcessList compCLFversion=\"3\" id=\"vfx\">\n");
    fprintf(f, "    <Description>written by vfx%s</Description>\n", exact ? "" : " (baked)");
    if (exact) {
        for (int32_t i = 0; i < p->n_ops; i++)
            VFX_TRY(clf_node(f, &p->ops[i]));
        if (p->n_ops == 0) { /* CLF needs at least one node: an identity matrix */
            double m[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, o[3] = {0, 0, 0};
            clf_matrix(f, m, o);
        }
    } else if (per_channel(p)) {
        const int32_t n = 4096;
        float *t = vfx__alloc((size_t) n * 3 * sizeof(float));
        if (!t)
            return vfx__nomem();
        for (int32_t i = 0; i < n; i++) {
            float *q = t + 3 * i;
            q[0] = q[1] = q[2] = (float) ((double) i / (double) (n - 1));
            vfx_color_processor_apply_rgb(p, q);
        }
        clf_lut1d(f, t, n, 0, 0, 0);
        vfx__free(t);
    } else {
        float *t = NULL;
        VFX_TRY(sample_3d(p, size, &t));
        clf_lut3d(f, t, size, 4, 1);
        vfx__free(t);
    }
    fprintf(f, "</ProcessList>\n");
    return VFX_OK;
}
#undef BD

static vfx_status
write_body(FILE *f, const vfx_color_processor *p, const char *ext, int32_t size)
{
    if (strcasecmp(ext, "3dl") == 0)
        return write_3dl(f, p, size);
    if (strcasecmp(ext, "cc") == 0 || strcasecmp(ext, "cdl") == 0)
        return write_cdl(f, p, strcasecmp(ext, "cdl") == 0);
    if (strcasecmp(ext, "clf") == 0 || strcasecmp(ext, "ctf") == 0)
        return write_clf(f, p, strcasecmp(ext, "ctf") == 0, size);
    if (strcasecmp(ext, "spi1d") == 0) {
        if (!per_channel(p))
            return vfx__fail(VFX_ERR_UNSUPPORTED, "lut: a processor that mixes channels cannot "
                                                  "be baked into a 1D LUT");
        fprintf(f, "Version 1\nFrom 0.0 1.0\nLength %d\nComponents 3\n{\n", (int) size);
        for (int32_t i = 0; i < size; i++) {
            float v[3];
            v[0] = v[1] = v[2] = (float) ((double) i / (double) (size - 1));
            vfx_color_processor_apply_rgb(p, v);
            fprintf(f, "    %.9g %.9g %.9g\n", v[0], v[1], v[2]);
        }
        fprintf(f, "}\n");
        return VFX_OK;
    }
    float *t = NULL;
    VFX_TRY(sample_3d(p, size, &t));
    size_t e = (size_t) size;
    if (strcasecmp(ext, "cube") == 0) {
        fprintf(f, "# baked by vfx\nLUT_3D_SIZE %d\n", (int) size);
        for (size_t i = 0; i < e * e * e; i++)
            fprintf(f, "%.9g %.9g %.9g\n", t[4 * i], t[4 * i + 1], t[4 * i + 2]);
    } else {
        fprintf(f, "SPILUT 1.0\n3 3\n%d %d %d\n", (int) size, (int) size, (int) size);
        for (size_t r = 0; r < e; r++)
            for (size_t g = 0; g < e; g++)
                for (size_t b = 0; b < e; b++) {
                    const float *q = t + 4 * (r + e * (g + e * b));
                    fprintf(f, "%zu %zu %zu %.9g %.9g %.9g\n", r, g, b, q[0], q[1], q[2]);
                }
    }
    vfx__free(t);
    return VFX_OK;
}

vfx_status
vfx_color_processor_bake(const vfx_color_processor *p, const char *path, int32_t size)
{
    if (!p || !path)
        return vfx__fail(VFX_ERR_ARG, "lut: NULL argument");
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return vfx__fail(VFX_ERR_UNSUPPORTED, "lut: %s: no extension to tell the format", path);
    const char *ext = dot + 1;
    int is1d = strcasecmp(ext, "spi1d") == 0;
    static const char *const known[] = {"cube", "spi3d", "spi1d", "3dl", "clf", "ctf", "cc", "cdl"};
    int ok = 0;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        ok |= strcasecmp(ext, known[i]) == 0;
    if (!ok)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "lut: %s: cannot write '.%s' files", path, ext);
    int is_cdl = strcasecmp(ext, "cc") == 0 || strcasecmp(ext, "cdl") == 0; /* no size */
    if (!is_cdl && (size < 2 || size > (is1d ? (1 << 20) : 129)))
        return vfx__fail(VFX_ERR_ARG, "lut: size %d out of range", (int) size);
    size_t n = strlen(path) + 32;
    char *tmp = vfx__alloc(n);
    if (!tmp)
        return vfx__nomem();
    snprintf(tmp, n, "%s.tmp%ld", path, (long) getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        vfx_status s = vfx__fail(VFX_ERR_IO, "lut: %s: cannot create: %s", tmp, strerror(errno));
        vfx__free(tmp);
        return s;
    }
    vfx_status s = write_body(f, p, ext, size);
    if (ferror(f) && s == VFX_OK)
        s = vfx__fail(VFX_ERR_IO, "lut: %s: write error", tmp);
    if (fclose(f) != 0 && s == VFX_OK)
        s = vfx__fail(VFX_ERR_IO, "lut: %s: write error: %s", tmp, strerror(errno));
    if (s == VFX_OK && rename(tmp, path) != 0)
        s = vfx__fail(VFX_ERR_IO, "lut: %s: cannot rename into place: %s", path, strerror(errno));
    if (s != VFX_OK)
        remove(tmp);
    vfx__free(tmp);
    return s;
}

vfx_status
vfx_color_processor_bake_lut(vfx_color_processor *p, int32_t size, double lo, double hi)
{
    if (!p || size < 2 || size > 129 || !isfinite(lo) || !isfinite(hi) || !(hi > lo))
        return vfx__fail(VFX_ERR_ARG, "color: bake_lut: size %d or range [%g, %g] out of range",
                         (int) size, lo, hi);
    if (p->n_ops == 0)
        return VFX_OK;
    vfx_color_processor *q = NULL;
    VFX_TRY(vfx_color_processor_new(&q));
    double s = 1.0 / (hi - lo), m[9] = { s, 0, 0, 0, s, 0, 0, 0, s }, o[3] = { -lo * s, -lo * s, -lo * s };
    vfx_status st = VFX_OK;
    if (lo != 0.0 || hi != 1.0)
        st = vfx_color_processor_append_matrix(q, m, o);
    float *t = NULL;
    if (st == VFX_OK && per_channel(p)) {
        const int32_t n = 16384;
        if (!(t = vfx__alloc((size_t) n * 3 * sizeof(float)))) {
            st = vfx__nomem();
        } else {
            for (int32_t i = 0; i < n; i++) {
                float *v = t + 3 * i;
                v[0] = v[1] = v[2] = (float) (lo + (hi - lo) * (double) i / (double) (n - 1));
            }
            st = vfx_color_processor_apply_f32(p, t, 3, 0, 0, n, 1);
            if (st == VFX_OK)
                st = vfx_color_processor_append_lut1d(q, t, n, 3, VFX_DIR_FORWARD);
        }
    } else if (st == VFX_OK) {
        size_t e = (size_t) size;
        if (!(t = vfx__alloc(e * e * e * 3 * sizeof(float)))) {
            st = vfx__nomem();
        } else {
            for (size_t b = 0; b < e; b++)
                for (size_t g = 0; g < e; g++)
                    for (size_t r = 0; r < e; r++) {
                        float *v = t + 3 * (r + e * (g + e * b));
                        v[0] = (float) (lo + (hi - lo) * (double) r / (double) (e - 1));
                        v[1] = (float) (lo + (hi - lo) * (double) g / (double) (e - 1));
                        v[2] = (float) (lo + (hi - lo) * (double) b / (double) (e - 1));
                    }
            st = vfx_color_processor_apply_f32(p, t, 3, 0, 0, (int32_t) (e * e), (int32_t) e);
            if (st == VFX_OK)
                st = vfx_color_processor_append_lut3d(q, t, size, VFX_INTERP_TETRAHEDRAL, VFX_DIR_FORWARD);
        }
    }
    vfx__free(t);
    if (st == VFX_OK) { /* swap the op lists: p takes q's ops, q frees p's */
        vfx_color_processor tmp = *p;
        *p = *q;
        *q = tmp;
    }
    vfx_color_processor_free(q);
    return st;
}
