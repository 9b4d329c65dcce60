/* Colour processors: an op list (data), its inverse, an optimiser and the f32 apply kernels.
 *
 * Apply works on chunks of up to CHUNK pixels of one row: RGB is gathered from the caller's
 * interleaved buffer into three planes on the stack, every op runs as a plain loop over the
 * planes (the compiler vectorises the simple ones), and RGB is scattered back. Channels past
 * the third (alpha...) are never touched. Nothing is written to the processor, so one
 * processor serves any number of threads. */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "color/color_int.h"

#define CHUNK 256

/* ---- op list management -------------------------------------------------------------------- */

void
vfx__color_op_clear(vfx__color_op *op)
{
    if (!op)
        return;
    if (op->code == VFX_COLOR_OP_LUT1D)
        VFX_FREE(op->u.lut1d.table);
    else if (op->code == VFX_COLOR_OP_LUT3D)
        VFX_FREE(op->u.lut3d.table);
    else if (op->code == VFX_COLOR_OP_GRADING_RGB_CURVE)
        VFX_FREE(op->u.rgbcurve.data);
}

static vfx_status
grow(vfx_color_processor *p)
{
    if (p->n_ops < p->cap_ops)
        return VFX_OK;
    int32_t cap = p->cap_ops ? p->cap_ops * 2 : 8;
    if (cap > 1 << 20)
        return vfx__fail(VFX_ERR_LIMIT, "color: too many ops in one processor");
    vfx__color_op *ops = vfx__realloc(p->ops, (size_t) cap * sizeof *ops);
    if (!ops)
        return vfx__nomem();
    p->ops = ops;
    p->cap_ops = cap;
    return VFX_OK;
}

vfx_status
vfx__color_processor_push_take(vfx_color_processor *p, vfx__color_op *op)
{
    vfx_status s = grow(p);
    if (s != VFX_OK) {
        vfx__color_op_clear(op);
        return s;
    }
    p->ops[p->n_ops++] = *op;
    return VFX_OK;
}

static vfx_status
copy_op(const vfx__color_op *src, vfx__color_op *dst)
{
    *dst = *src;
    const float *t = NULL;
    size_t n = 0;
    if (src->code == VFX_COLOR_OP_LUT1D) {
        t = src->u.lut1d.table;
        n = (size_t) src->u.lut1d.n * 3;
        if (src->u.lut1d.half_domain && src->u.lut1d.dir == VFX_DIR_INVERSE)
            n *= 2; /* the original, then the fast table (see half_inverse_prepare) */
    } else if (src->code == VFX_COLOR_OP_LUT3D) {
        size_t e = (size_t) src->u.lut3d.n;
        t = src->u.lut3d.table;
        n = e * e * e * 3;
    } else if (src->code == VFX_COLOR_OP_GRADING_RGB_CURVE) {
        t = src->u.rgbcurve.data;
        n = (size_t) src->u.rgbcurve.n_data;
    }
    if (!t)
        return VFX_OK;
    float *c = vfx__alloc(n * sizeof(float));
    if (!c) {
        dst->code = VFX_COLOR_OP_MATRIX; /* owns nothing: clearing it frees nothing */
        return vfx__nomem();
    }
    memcpy(c, t, n * sizeof(float));
    if (src->code == VFX_COLOR_OP_LUT1D)
        dst->u.lut1d.table = c;
    else if (src->code == VFX_COLOR_OP_LUT3D)
        dst->u.lut3d.table = c;
    else
        dst->u.rgbcurve.data = c;
    return VFX_OK;
}

vfx_status
vfx__color_processor_push(vfx_color_processor *p, const vfx__color_op *op)
{
    vfx__color_op c;
    VFX_TRY(copy_op(op, &c));
    return vfx__color_processor_push_take(p, &c);
}

vfx_status
vfx_color_processor_new(vfx_color_processor **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "color: NULL out");
    *out = vfx__calloc(1, sizeof **out);
    return *out ? VFX_OK : vfx__nomem();
}

void
vfx_color_processor_free(vfx_color_processor *p)
{
    if (!p)
        return;
    for (int32_t i = 0; i < p->n_ops; i++)
        vfx__color_op_clear(&p->ops[i]);
    vfx__free(p->ops);
    vfx__free(p);
}

vfx_status
vfx_color_processor_append_processor(vfx_color_processor *p, const vfx_color_processor *q)
{
    if (!p || !q)
        return vfx__fail(VFX_ERR_ARG, "color: NULL processor");
    int32_t n0 = p->n_ops, nq = q->n_ops; /* p == q is allowed */
    for (int32_t i = 0; i < nq; i++) {
        vfx_status s = vfx__color_processor_push(p, &q->ops[i]);
        if (s != VFX_OK) {
            while (p->n_ops > n0)
                vfx__color_op_clear(&p->ops[--p->n_ops]);
            return s;
        }
    }
    return VFX_OK;
}

vfx_status
vfx_color_processor_copy(const vfx_color_processor *p, vfx_color_processor **out)
{
    if (!p || !out)
        return vfx__fail(VFX_ERR_ARG, "color: NULL argument");
    *out = NULL;
    vfx_color_processor *c;
    VFX_TRY(vfx_color_processor_new(&c));
    vfx_status s = vfx_color_processor_append_processor(c, p);
    if (s != VFX_OK) {
        vfx_color_processor_free(c);
        return s;
    }
    *out = c;
    return VFX_OK;
}

int32_t
vfx_color_processor_op_count(const vfx_color_processor *p)
{
    return p ? p->n_ops : 0;
}

vfx_color_op_code
vfx_color_processor_op_code(const vfx_color_processor *p, int32_t i)
{
    return p && i >= 0 && i < p->n_ops ? p->ops[i].code : (vfx_color_op_code) 0;
}

const char *
vfx_color_op_name(vfx_color_op_code c)
{
    switch (c) {
    case VFX_COLOR_OP_MATRIX: return "matrix";
    case VFX_COLOR_OP_TRANSFER: return "transfer";
    case VFX_COLOR_OP_EXPONENT: return "exponent";
    case VFX_COLOR_OP_LOG: return "log";
    case VFX_COLOR_OP_CDL: return "cdl";
    case VFX_COLOR_OP_RANGE: return "range";
    case VFX_COLOR_OP_LUT1D: return "lut1d";
    case VFX_COLOR_OP_LUT3D: return "lut3d";
    case VFX_COLOR_OP_HLG_OOTF: return "hlg_ootf";
    case VFX_COLOR_OP_MONCURVE: return "moncurve";
    case VFX_COLOR_OP_EXPOSURE_CONTRAST: return "exposure_contrast";
    case VFX_COLOR_OP_FIXED: return "fixed";
    case VFX_COLOR_OP_OPENDRT: return "opendrt";
    case VFX_COLOR_OP_GRADING_PRIMARY: return "grading_primary";
    case VFX_COLOR_OP_GRADING_RGB_CURVE: return "grading_rgb_curve";
    case VFX_COLOR_OP_GRADING_TONE: return "grading_tone";
    default: return NULL;
    }
}

/* ---- append ------------------------------------------------------------------------------ */

/* Flatten reversals of each channel's curve (running max for a rising curve, running min for
 * a falling one), so that the inverse is well defined, as OCIO does for inverse 1D LUTs. */
static void
monotonize(float *t, int32_t n)
{
    for (int c = 0; c < 3; c++) {
        int rising = t[3 * (n - 1) + c] >= t[c];
        for (int32_t k = 1; k < n; k++) {
            float prev = t[3 * (k - 1) + c], *e = &t[3 * k + c];
            if (rising ? *e < prev : *e > prev)
                *e = prev;
        }
    }
}

static int
dir_ok(vfx_direction d)
{
    return d == VFX_DIR_FORWARD || d == VFX_DIR_INVERSE;
}

static int
all_finite(const double *v, int n)
{
    for (int i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

vfx_status
vfx_color_processor_append_matrix(vfx_color_processor *p, const double m[9], const double offset[3])
{
    if (!p || !m)
        return vfx__fail(VFX_ERR_ARG, "color: NULL argument");
    vfx__color_op op = { .code = VFX_COLOR_OP_MATRIX };
    memcpy(op.u.matrix.m, m, sizeof op.u.matrix.m);
    if (offset)
        memcpy(op.u.matrix.offset, offset, sizeof op.u.matrix.offset);
    if (!all_finite(op.u.matrix.m, 9) || !all_finite(op.u.matrix.offset, 3))
        return vfx__fail(VFX_ERR_ARG, "color: matrix with a non-finite value");
    return vfx__color_processor_push_take(p, &op);
}

vfx_status
vfx_color_processor_append_transfer(vfx_color_processor *p, vfx_transfer tf, vfx_direction dir)
{
    if (!p || !vfx_transfer_name(tf) || !dir_ok(dir))
        return vfx__fail(VFX_ERR_ARG, "color: bad transfer op (tf %d, dir %d)", (int) tf, (int) dir);
    vfx__color_op op = { .code = VFX_COLOR_OP_TRANSFER };
    op.u.transfer.tf = tf;
    op.u.transfer.dir = dir;
    return vfx__color_processor_push_take(p, &op);
}

vfx_status
vfx_color_processor_append_exponent(vfx_color_processor *p, const double gamma[3],
                                    vfx_negative_style style, vfx_direction dir)
{
    if (!p || !gamma || !dir_ok(dir) || (int) style < 0 || style > VFX_NEGATIVE_PASS_THRU)
        return vfx__fail(VFX_ERR_ARG, "color: bad exponent op");
    vfx__color_op op = { .code = VFX_COLOR_OP_EXPONENT };
    for (int i = 0; i < 3; i++) {
        if (!isfinite(gamma[i]) || gamma[i] == 0.0)
            return vfx__fail(VFX_ERR_ARG, "color: exponent %g is not usable", gamma[i]);
        op.u.exponent.gamma[i] = dir == VFX_DIR_FORWARD ? gamma[i] : 1.0 / gamma[i];
    }
    op.u.exponent.style = style;
    return vfx__color_processor_push_take(p, &op);
}

vfx_status
vfx_color_processor_append_moncurve(vfx_color_processor *p, const double gamma[3],
                                    const double offset[3], vfx_negative_style style,
                                    vfx_direction dir)
{
    if (!p || !gamma || !offset || !dir_ok(dir) ||
        (style != VFX_NEGATIVE_MIRROR && style != VFX_NEGATIVE_PASS_THRU))
        return vfx__fail(VFX_ERR_ARG, "color: bad moncurve op");
    vfx__color_op op = { .code = VFX_COLOR_OP_MONCURVE };
    for (int i = 0; i < 3; i++) {
        int identity = gamma[i] == 1.0 && offset[i] == 0.0; /* a channel left alone */
        if (!identity && (!(gamma[i] > 1.0) || !(offset[i] > 0.0) || !isfinite(gamma[i]) ||
                          !isfinite(offset[i])))
            return vfx__fail(VFX_ERR_ARG, "color: moncurve needs gamma > 1 and offset > 0, or "
                                          "gamma 1 and offset 0 (got %g, %g)", gamma[i], offset[i]);
        op.u.moncurve.gamma[i] = gamma[i];
        op.u.moncurve.offset[i] = offset[i];
    }
    op.u.moncurve.mirror = style == VFX_NEGATIVE_MIRROR;
    op.u.moncurve.dir = dir;
    return vfx__color_processor_push_take(p, &op);
}

static vfx_status
exposure_contrast(vfx_color_processor *p, vfx_ec_style style, double exposure, double contrast,
                  double gamma, double pivot, double step, double mid, vfx_direction dir)
{
    if (!p || !dir_ok(dir) || (int) style < 0 || style > VFX_EC_LOG || !isfinite(exposure) ||
        !isfinite(contrast) || !isfinite(gamma) || !isfinite(pivot) || !isfinite(step) || !isfinite(mid))
        return vfx__fail(VFX_ERR_ARG, "color: bad exposure/contrast op");
    double c = fmax(0.001, contrast * gamma), piv = fmax(0.001, pivot);
    if (style == VFX_EC_LOG) {
        /* affine in log space: a matrix op */
        double pl = fmax(0.0, log2(piv / 0.18) * step + mid);
        double off = (exposure * step - pl) * c + pl;
        double m[9] = { c, 0, 0, 0, c, 0, 0, 0, c }, o[3] = { off, off, off };
        if (dir == VFX_DIR_INVERSE) {
            /* OpenColorIO 2.1's inverse scales the exposure by the default step 0.088 whatever
             * log_exposure_step says (its inverse renderer never reads the step); matched here,
             * so "direction: inverse" gives OCIO's numbers. Equal to -off / c for step 0.088. */
            for (int i = 0; i < 9; i += 4)
                m[i] = 1.0 / c;
            o[0] = o[1] = o[2] = pl - pl / c - exposure * 0.088;
        }
        return vfx_color_processor_append_matrix(p, m, o);
    }
    vfx__color_op op = { .code = VFX_COLOR_OP_EXPOSURE_CONTRAST };
    double gain = exp2(exposure);
    if (style == VFX_EC_VIDEO) {
        const double video = 1.0 / 1.83; /* the video OETF power OCIO uses */
        gain = pow(gain, video);
        piv = pow(piv, video);
    }
    op.u.ec.gain = gain;
    op.u.ec.pivot = piv;
    op.u.ec.power = c;
    op.u.ec.dir = dir;
    return vfx__color_processor_push_take(p, &op);
}

vfx_status
vfx_color_processor_append_exposure_contrast(vfx_color_processor *p, vfx_ec_style style,
                                             double exposure, double contrast, double gamma,
                                             double pivot, vfx_direction dir)
{
    return exposure_contrast(p, style, exposure, contrast, gamma, pivot, 0.088, 0.435, dir);
}

vfx_status
vfx_color_processor_append_exposure_contrast_log(vfx_color_processor *p, double exposure,
                                                 double contrast, double gamma, double pivot,
                                                 double log_exposure_step, double log_mid_gray,
                                                 vfx_direction dir)
{
    return exposure_contrast(p, VFX_EC_LOG, exposure, contrast, gamma, pivot, log_exposure_step,
                             log_mid_gray, dir);
}

vfx_status
vfx_color_processor_append_fixed(vfx_color_processor *p, vfx_fixed_function f, double param,
                                 vfx_direction dir)
{
    if (!p || !dir_ok(dir) || (int) f < 0 || f >= VFX_FIXED_COUNT)
        return vfx__fail(VFX_ERR_ARG, "color: bad fixed function op");
    if (f == VFX_FIXED_REC2100_SURROUND && !(param > 0.0 && isfinite(param)))
        return vfx__fail(VFX_ERR_ARG, "color: Rec.2100 surround gamma %g is not usable", param);
    if (f == VFX_FIXED_ACES_GAMUT_COMP_13) /* the ACES 1.3 reference parameters */
        return vfx_color_processor_append_fixed_params(p, f, NULL, 0, dir);
    vfx__color_op op = { .code = VFX_COLOR_OP_FIXED };
    op.u.fixed.f = f;
    op.u.fixed.param = param;
    op.u.fixed.dir = dir;
    return vfx__color_processor_push_take(p, &op);
}

vfx_status
vfx_color_processor_append_log(vfx_color_processor *p, double base, vfx_direction dir)
{
    vfx_log_params lp;
    lp.base = base;
    for (int i = 0; i < 3; i++) {
        lp.log_slope[i] = 1.0;
        lp.log_offset[i] = 0.0;
        lp.lin_slope[i] = 1.0;
        lp.lin_offset[i] = 0.0;
        lp.lin_break[i] = NAN;
        lp.linear_slope[i] = NAN;
    }
    return vfx_color_processor_append_log_params(p, &lp, dir);
}

vfx_status
vfx_color_processor_append_log_params(vfx_color_processor *p, const vfx_log_params *lp,
                                      vfx_direction dir)
{
    if (!p || !lp || !dir_ok(dir))
        return vfx__fail(VFX_ERR_ARG, "color: bad log op");
    if (!(lp->base > 0.0) || lp->base == 1.0 || !isfinite(lp->base))
        return vfx__fail(VFX_ERR_ARG, "color: log base %g is not usable", lp->base);
    for (int i = 0; i < 3; i++) {
        if (lp->log_slope[i] == 0.0 || lp->lin_slope[i] == 0.0 || !isfinite(lp->log_slope[i]) ||
            !isfinite(lp->lin_slope[i]) || !isfinite(lp->log_offset[i]) || !isfinite(lp->lin_offset[i]))
            return vfx__fail(VFX_ERR_ARG, "color: log op with a zero or non-finite slope/offset");
        if (isfinite(lp->lin_break[i]) && lp->lin_slope[i] * lp->lin_break[i] + lp->lin_offset[i] <= 0.0)
            return vfx__fail(VFX_ERR_ARG, "color: LogCamera break %g lies below the log's domain",
                             lp->lin_break[i]);
    }
    vfx__color_op op = { .code = VFX_COLOR_OP_LOG };
    op.u.log.p = *lp;
    op.u.log.dir = dir;
    /* derive the linear segment of LogCamera once, so the kernels only read numbers */
    for (int i = 0; i < 3; i++) {
        if (!isfinite(lp->lin_break[i]))
            continue;
        double arg = lp->lin_slope[i] * lp->lin_break[i] + lp->lin_offset[i];
        if (!isfinite(lp->linear_slope[i]))
            op.u.log.p.linear_slope[i] = lp->log_slope[i] * lp->lin_slope[i] / (arg * log(lp->base));
    }
    return vfx__color_processor_push_take(p, &op);
}

vfx_status
vfx_color_processor_append_cdl(vfx_color_processor *p, const vfx_cdl *cdl, vfx_cdl_style style,
                               vfx_direction dir)
{
    if (!p || !cdl || !dir_ok(dir) || (style != VFX_CDL_ASC && style != VFX_CDL_NO_CLAMP))
        return vfx__fail(VFX_ERR_ARG, "color: bad CDL op");
    for (int i = 0; i < 3; i++) {
        if (!isfinite(cdl->slope[i]) || !isfinite(cdl->offset[i]) || !isfinite(cdl->power[i]) ||
            cdl->slope[i] < 0.0 || !(cdl->power[i] > 0.0))
            return vfx__fail(VFX_ERR_ARG, "color: CDL needs slope >= 0 and power > 0 (channel %d)", i);
        if (dir == VFX_DIR_INVERSE && cdl->slope[i] == 0.0)
            return vfx__fail(VFX_ERR_UNSUPPORTED, "color: a CDL with slope 0 has no inverse");
    }
    if (!isfinite(cdl->saturation) || cdl->saturation < 0.0 ||
        (dir == VFX_DIR_INVERSE && cdl->saturation == 0.0))
        return vfx__fail(VFX_ERR_ARG, "color: CDL saturation %g is not usable", cdl->saturation);
    vfx__color_op op = { .code = VFX_COLOR_OP_CDL };
    op.u.cdl.cdl = *cdl;
    op.u.cdl.style = style;
    op.u.cdl.dir = dir;
    return vfx__color_processor_push_take(p, &op);
}

vfx_status
vfx_color_processor_append_range(vfx_color_processor *p, double min_in, double max_in,
                                 double min_out, double max_out, vfx_direction dir)
{
    if (!p || !dir_ok(dir))
        return vfx__fail(VFX_ERR_ARG, "color: bad range op");
    if (dir == VFX_DIR_INVERSE) {
        double t = min_in;
        min_in = min_out;
        min_out = t;
        t = max_in;
        max_in = max_out;
        max_out = t;
    }
    int has_min = !isnan(min_in), has_max = !isnan(max_in);
    if (has_min != !isnan(min_out) || has_max != !isnan(max_out) || (!has_min && !has_max))
        return vfx__fail(VFX_ERR_ARG, "color: range needs min in/out and/or max in/out in pairs");
    vfx__color_op op = { .code = VFX_COLOR_OP_RANGE };
    if (has_min && has_max) {
        if (!(max_in != min_in))
            return vfx__fail(VFX_ERR_ARG, "color: range with min_in == max_in");
        op.u.range.scale = (max_out - min_out) / (max_in - min_in);
        op.u.range.offset = min_out - min_in * op.u.range.scale;
        op.u.range.lo = fmin(min_out, max_out);
        op.u.range.hi = fmax(min_out, max_out);
    } else if (has_min) {
        op.u.range.scale = 1.0;
        op.u.range.offset = min_out - min_in;
        op.u.range.lo = min_out;
        op.u.range.hi = INFINITY;
    } else {
        op.u.range.scale = 1.0;
        op.u.range.offset = max_out - max_in;
        op.u.range.lo = -INFINITY;
        op.u.range.hi = max_out;
    }
    if (!isfinite(op.u.range.scale) || !isfinite(op.u.range.offset))
        return vfx__fail(VFX_ERR_ARG, "color: range values are not finite");
    return vfx__color_processor_push_take(p, &op);
}

vfx_status
vfx_color_processor_append_lut1d(vfx_color_processor *p, const float *table, int32_t n,
                                 int32_t n_components, vfx_direction dir)
{
    if (!p || !table || !dir_ok(dir) || (n_components != 1 && n_components != 3))
        return vfx__fail(VFX_ERR_ARG, "color: bad 1D LUT op");
    if (n < 2 || n > (1 << 24))
        return vfx__fail(VFX_ERR_ARG, "color: 1D LUT size %d out of range 2..2^24", (int) n);
    float *t = vfx__alloc((size_t) n * 3 * sizeof(float));
    if (!t)
        return vfx__nomem();
    for (int32_t i = 0; i < n; i++)
        for (int c = 0; c < 3; c++)
            t[3 * i + c] = table[n_components == 3 ? 3 * i + c : i];
    if (dir == VFX_DIR_INVERSE)
        monotonize(t, n);
    vfx__color_op op = { .code = VFX_COLOR_OP_LUT1D };
    op.u.lut1d.table = t;
    op.u.lut1d.n = n;
    op.u.lut1d.dir = dir;
    return vfx__color_processor_push_take(p, &op);
}

static float half_inv_find(const float *t, int c, int32_t start, int32_t end, float s, float vs, float val);

/* The inverse of a half-domain 1D LUT, as OCIO 2.1 evaluates it by default: OCIO inverts
 * exactly on a prepared copy of the table, samples that exact inverse at every half value into
 * a new half-domain table (its "fast" inverse LUT), and applies that table forward. The exact
 * inverse: per channel the curve rises if f(1.0) > f(0.0); reversals are flattened on the
 * positive halves (from +0 up) and on the negative ones (from -0 down, the other way, starting
 * from f(+0)); each half's effective domain skips the flat runs at its ends; a value on the
 * f(+0) side that matches the direction searches the positive halves, others the negative
 * ones (and, as in OCIO 2.1, the blue channel's negative search flips the value with the red
 * channel's direction).
 * @p t holds 2 x 65536 x 3 floats: the original table (kept, so inverting again gives it
 * back), then the fast table written here. Returns 0, or -1 when out of memory. */
static int
half_inverse_prepare(float *t)
{
    float *m = vfx__alloc((size_t) 65536 * 3 * sizeof(float)), *fast = t + (size_t) 65536 * 3;
    if (!m)
        return -1;
    memcpy(m, t, (size_t) 65536 * 3 * sizeof(float));
    int rising[3];
    int32_t dom[3][4];
    for (int c = 0; c < 3; c++) {
        rising[c] = m[c] < m[3 * 15360 + c]; /* 15360: the bits of 1.0 */
        for (int part = 0; part < 2; part++) {
            const int32_t k0 = part ? 32768 : 1, k1 = part ? 64511 : 31743; /* up to +-65504 */
            const int up = part ? !rising[c] : rising[c];
            float prev = m[c];
            for (int32_t k = k0; k <= k1; k++) {
                float *e = &m[3 * (size_t) k + (size_t) c];
                if (up != (*e > prev))
                    *e = prev;
                else
                    prev = *e;
            }
            const int32_t lo = part ? 32768 : 0;
            int32_t end = k1, start = lo;
            const float ev = m[3 * (size_t) end + (size_t) c], sv = m[3 * (size_t) start + (size_t) c];
            while (end > lo && m[3 * (size_t) (end - 1) + (size_t) c] == ev)
                end--;
            while (start < end && m[3 * (size_t) (start + 1) + (size_t) c] == sv)
                start++;
            dom[c][2 * part] = start;
            dom[c][2 * part + 1] = end;
        }
    }
    for (int c = 0; c < 3; c++) {
        const float s = rising[c] ? 1.0f : -1.0f, bisect = m[c];
        const float vs_neg = c == 2 ? (rising[0] ? -1.0f : 1.0f) : -s;
        for (int32_t i = 0; i < 65536; i++) {
            const float x = vfx_half_to_float((uint16_t) i);
            fast[3 * (size_t) i + (size_t) c] =
                rising[c] == (x >= bisect) ? half_inv_find(m, c, dom[c][0], dom[c][1], s, s, x)
                                           : half_inv_find(m, c, dom[c][2], dom[c][3], -s, vs_neg, x);
        }
    }
    vfx__free(m);
    return 0;
}

vfx_status
vfx__append_lut1d_half(vfx_color_processor *p, const float *table, int32_t n_components, vfx_direction dir)
{
    if (!p || !table || (n_components != 1 && n_components != 3) || !dir_ok(dir))
        return vfx__fail(VFX_ERR_ARG, "color: bad half-domain 1D LUT op");
    const int32_t n = 65536;
    float *t = vfx__alloc((size_t) n * 3 * sizeof(float) * (dir == VFX_DIR_INVERSE ? 2 : 1));
    if (!t)
        return vfx__nomem();
    for (int32_t i = 0; i < n; i++)
        for (int c = 0; c < 3; c++)
            t[3 * i + c] = table[n_components == 3 ? 3 * i + c : i];
    if (dir == VFX_DIR_INVERSE && half_inverse_prepare(t) != 0) {
        vfx__free(t);
        return vfx__nomem();
    }
    vfx__color_op op = { .code = VFX_COLOR_OP_LUT1D };
    op.u.lut1d.table = t;
    op.u.lut1d.n = n;
    op.u.lut1d.dir = dir;
    op.u.lut1d.half_domain = 1;
    return vfx__color_processor_push_take(p, &op);
}

/* Tetrahedral interpolation of a 3D LUT at x (in [0, 1]) in double, with the local linear
 * map (d out / d x, column per input axis) of the tetrahedron x is in. */
static void
tetra_eval(const float *t, int32_t n, const double x[3], double out[3], double jac[9])
{
    const double sc = (double) (n - 1);
    int32_t i0[3];
    double f[3];
    for (int a = 0; a < 3; a++) {
        double u = x[a] * sc;
        int32_t k = (int32_t) floor(u);
        k = k < 0 ? 0 : k > n - 2 ? n - 2 : k;
        i0[a] = k;
        f[a] = u - (double) k;
    }
    int ord[3] = { 0, 1, 2 }; /* axes by decreasing fraction */
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2 - a; b++)
            if (f[ord[b]] < f[ord[b + 1]]) {
                int tmp = ord[b];
                ord[b] = ord[b + 1];
                ord[b + 1] = tmp;
            }
    int32_t idx[3] = { i0[0], i0[1], i0[2] };
#define AT(v) (t + 3 * ((size_t) (v)[0] + (size_t) n * ((size_t) (v)[1] + (size_t) n * (size_t) (v)[2])))
    const float *prev = AT(idx);
    for (int c = 0; c < 3; c++)
        out[c] = prev[c];
    for (int s = 0; s < 3; s++) {
        const int a = ord[s];
        idx[a]++;
        const float *next = AT(idx);
        for (int c = 0; c < 3; c++) {
            const double d = (double) next[c] - (double) prev[c];
            out[c] += f[a] * d;
            jac[3 * c + a] = d * sc;
        }
        prev = next;
    }
#undef AT
}

/* x with tetra(x) = y, by Newton steps on the piecewise-linear map, x kept in [0, 1]. On an
 * invertible LUT each step lands in the right tetrahedron after a few steps; where the LUT folds
 * or y is outside its output hull the steps wander, so the search keeps the best x seen and
 * stops once the error has not improved for 4 steps, or after 24: that bounds a hostile 129^3
 * LUT's inverse (2.1M solves) to about a third of what 60 blind steps took. */
static void
lut3d_solve(const float *t, int32_t n, const double y[3], double x[3])
{
    for (int c = 0; c < 3; c++)
        x[c] = y[c] < 0.0 ? 0.0 : y[c] > 1.0 ? 1.0 : y[c];
    double best[3] = { x[0], x[1], x[2] }, best_err = HUGE_VAL;
    for (int it = 0, stale = 0; it < 24 && stale < 4; it++) {
        double f[3], j[9];
        tetra_eval(t, n, x, f, j);
        const double e[3] = { f[0] - y[0], f[1] - y[1], f[2] - y[2] };
        const double err = fabs(e[0]) + fabs(e[1]) + fabs(e[2]);
        if (err < best_err) {
            best_err = err;
            memcpy(best, x, sizeof best);
            stale = 0;
        } else {
            stale++;
        }
        if (err < 1e-12)
            break;
        const double det = j[0] * (j[4] * j[8] - j[5] * j[7]) - j[1] * (j[3] * j[8] - j[5] * j[6]) +
                           j[2] * (j[3] * j[7] - j[4] * j[6]);
        if (!(fabs(det) > 1e-300))
            break;
        /* dx = J^-1 e (Cramer) */
        double dx[3];
        for (int a = 0; a < 3; a++) {
            double m[9];
            memcpy(m, j, sizeof m);
            for (int r = 0; r < 3; r++)
                m[3 * r + a] = e[r];
            dx[a] = (m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
                     m[2] * (m[3] * m[7] - m[4] * m[6])) / det;
        }
        for (int a = 0; a < 3; a++) {
            double v = x[a] - dx[a];
            x[a] = v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
        }
    }
    memcpy(x, best, sizeof best);
}

/* The inverse of a 3D LUT as OCIO 2.1 evaluates it by default: the exact inverse of the
 * tetrahedral forward LUT, sampled on a 48^3 grid (the LUT's own size when larger) over
 * [0, 1], then applied as a trilinear forward LUT. The exact inverse is found by Newton steps
 * per grid point; outside the forward LUT's output hull it stops on the [0, 1] cube's surface,
 * which is where OCIO's search may end elsewhere (values there can differ). Hand-written:
 * no Debian library inverts 3D LUTs. */
typedef struct {
    const float *t;
    float       *inv;
    int32_t      n, m;
} inv_plane_job;

/* one blue plane of the inverse grid (the planes are independent: run on the pool) */
static vfx_status
inv_plane(void *arg, int64_t b, int worker)
{
    const inv_plane_job *j = arg;
    const int32_t m = j->m;
    (void) worker;
    for (int32_t g = 0; g < m; g++)
        for (int32_t r = 0; r < m; r++) {
            const double y[3] = { (double) r / (m - 1), (double) g / (m - 1), (double) b / (m - 1) };
            double x[3];
            lut3d_solve(j->t, j->n, y, x);
            float *e = j->inv + 3 * ((size_t) r + (size_t) m * ((size_t) g + (size_t) m * (size_t) b));
            for (int c = 0; c < 3; c++)
                e[c] = (float) x[c];
        }
    return VFX_OK;
}

static float *
lut3d_fast_inverse(const float *t, int32_t n, int32_t *m_out)
{
    const int32_t m = n > 48 ? n : 48;
    float *inv = vfx__alloc((size_t) m * (size_t) m * (size_t) m * 3 * sizeof(float));
    if (!inv)
        return NULL;
    inv_plane_job j = { t, inv, n, m };
    vfx__pool *pool = vfx__pool_global();
    if (!pool || vfx__parallel_for(pool, m, inv_plane, &j) != VFX_OK)
        for (int32_t b = 0; b < m; b++) /* no pool: the same planes on this thread */
            (void) inv_plane(&j, b, 0);
    *m_out = m;
    return inv;
}

vfx_status
vfx_color_processor_append_lut3d(vfx_color_processor *p, const float *table, int32_t n,
                                 vfx_interp interp, vfx_direction dir)
{
    if (!p || !table || !dir_ok(dir))
        return vfx__fail(VFX_ERR_ARG, "color: bad 3D LUT op");
    if (n < 2 || n > 129)
        return vfx__fail(VFX_ERR_ARG, "color: 3D LUT size %d out of range 2..129", (int) n);
    if (dir == VFX_DIR_INVERSE) {
        int32_t m = 0;
        float *inv = lut3d_fast_inverse(table, n, &m);
        if (!inv)
            return vfx__nomem();
        vfx__color_op op = { .code = VFX_COLOR_OP_LUT3D };
        op.u.lut3d.table = inv;
        op.u.lut3d.n = m;
        op.u.lut3d.interp = VFX_INTERP_LINEAR;
        return vfx__color_processor_push_take(p, &op);
    }
    size_t count = (size_t) n * (size_t) n * (size_t) n * 3;
    float *t = vfx__alloc(count * sizeof(float));
    if (!t)
        return vfx__nomem();
    memcpy(t, table, count * sizeof(float));
    vfx__color_op op = { .code = VFX_COLOR_OP_LUT3D };
    op.u.lut3d.table = t;
    op.u.lut3d.n = n;
    op.u.lut3d.interp = interp == VFX_INTERP_TETRAHEDRAL || interp == VFX_INTERP_BEST
                            ? VFX_INTERP_TETRAHEDRAL
                            : VFX_INTERP_LINEAR;
    return vfx__color_processor_push_take(p, &op);
}

double
vfx_hlg_system_gamma(double peak_nits)
{
    return 1.2 + 0.42 * log10(peak_nits / 1000.0);
}

vfx_status
vfx_color_processor_append_hlg_ootf(vfx_color_processor *p, double gamma, vfx_direction dir)
{
    if (!p || !dir_ok(dir) || !(gamma > 0.0) || !isfinite(gamma))
        return vfx__fail(VFX_ERR_ARG, "color: bad HLG OOTF op (gamma %g)", gamma);
    vfx__color_op op = { .code = VFX_COLOR_OP_HLG_OOTF };
    op.u.hlg.gamma = gamma;
    op.u.hlg.dir = dir;
    return vfx__color_processor_push_take(p, &op);
}

/* ---- inverse ----------------------------------------------------------------------------- */

static vfx_direction
flip(vfx_direction d)
{
    return d == VFX_DIR_FORWARD ? VFX_DIR_INVERSE : VFX_DIR_FORWARD;
}

static vfx_status
invert_op(const vfx__color_op *src, vfx__color_op *dst)
{
    VFX_TRY(copy_op(src, dst));
    switch (src->code) {
    case VFX_COLOR_OP_MATRIX: {
        double inv[9];
        const double *o = src->u.matrix.offset;
        if (vfx_mat3_invert(src->u.matrix.m, inv) != VFX_OK)
            return vfx__fail(VFX_ERR_UNSUPPORTED, "color: a singular matrix op has no inverse");
        memcpy(dst->u.matrix.m, inv, sizeof inv);
        for (int r = 0; r < 3; r++)
            dst->u.matrix.offset[r] = -(inv[3 * r] * o[0] + inv[3 * r + 1] * o[1] + inv[3 * r + 2] * o[2]);
        return VFX_OK;
    }
    case VFX_COLOR_OP_TRANSFER: dst->u.transfer.dir = flip(src->u.transfer.dir); return VFX_OK;
    case VFX_COLOR_OP_EXPONENT:
        for (int i = 0; i < 3; i++)
            dst->u.exponent.gamma[i] = 1.0 / src->u.exponent.gamma[i];
        return VFX_OK;
    case VFX_COLOR_OP_LOG: dst->u.log.dir = flip(src->u.log.dir); return VFX_OK;
    case VFX_COLOR_OP_CDL:
        for (int i = 0; i < 3; i++)
            if (src->u.cdl.cdl.slope[i] == 0.0)
                return vfx__fail(VFX_ERR_UNSUPPORTED, "color: a CDL with slope 0 has no inverse");
        if (src->u.cdl.cdl.saturation == 0.0)
            return vfx__fail(VFX_ERR_UNSUPPORTED, "color: a CDL with saturation 0 has no inverse");
        dst->u.cdl.dir = flip(src->u.cdl.dir);
        return VFX_OK;
    case VFX_COLOR_OP_RANGE: {
        double s = src->u.range.scale, o = src->u.range.offset;
        if (s == 0.0)
            return vfx__fail(VFX_ERR_UNSUPPORTED, "color: a range op onto one value has no inverse");
        double lo = (src->u.range.lo - o) / s, hi = (src->u.range.hi - o) / s;
        dst->u.range.scale = 1.0 / s;
        dst->u.range.offset = -o / s;
        dst->u.range.lo = isnan(lo) ? -INFINITY : fmin(lo, hi);
        dst->u.range.hi = isnan(hi) ? INFINITY : fmax(lo, hi);
        return VFX_OK;
    }
    case VFX_COLOR_OP_LUT1D:
        dst->u.lut1d.dir = flip(src->u.lut1d.dir);
        if (dst->u.lut1d.dir == VFX_DIR_INVERSE && dst->u.lut1d.half_domain) {
            float *t = vfx__alloc((size_t) 65536 * 3 * 2 * sizeof(float));
            if (!t)
                return vfx__nomem();
            memcpy(t, dst->u.lut1d.table, (size_t) 65536 * 3 * sizeof(float));
            vfx__free(dst->u.lut1d.table);
            dst->u.lut1d.table = t;
            if (half_inverse_prepare(t) != 0)
                return vfx__nomem();
        } else if (dst->u.lut1d.dir == VFX_DIR_INVERSE)
            monotonize(dst->u.lut1d.table, dst->u.lut1d.n);
        return VFX_OK;
    case VFX_COLOR_OP_HLG_OOTF: dst->u.hlg.dir = flip(src->u.hlg.dir); return VFX_OK;
    case VFX_COLOR_OP_MONCURVE: dst->u.moncurve.dir = flip(src->u.moncurve.dir); return VFX_OK;
    case VFX_COLOR_OP_EXPOSURE_CONTRAST: dst->u.ec.dir = flip(src->u.ec.dir); return VFX_OK;
    case VFX_COLOR_OP_FIXED: dst->u.fixed.dir = flip(src->u.fixed.dir); return VFX_OK;
    case VFX_COLOR_OP_GRADING_PRIMARY: dst->u.gprim.dir = flip(src->u.gprim.dir); return VFX_OK;
    case VFX_COLOR_OP_GRADING_RGB_CURVE: dst->u.rgbcurve.dir = flip(src->u.rgbcurve.dir); return VFX_OK;
    case VFX_COLOR_OP_GRADING_TONE: dst->u.gtone.dir = flip(src->u.gtone.dir); return VFX_OK;
    case VFX_COLOR_OP_OPENDRT:
        return vfx__fail(VFX_ERR_UNSUPPORTED, "color: OpenDRT has no exact inverse");
    case VFX_COLOR_OP_LUT3D: { /* OCIO's inverse (see lut3d_fast_inverse) */
        int32_t m = 0;
        float *inv = lut3d_fast_inverse(src->u.lut3d.table, src->u.lut3d.n, &m);
        if (!inv)
            return vfx__nomem();
        vfx__free(dst->u.lut3d.table);
        dst->u.lut3d.table = inv;
        dst->u.lut3d.n = m;
        dst->u.lut3d.interp = VFX_INTERP_LINEAR;
        return VFX_OK;
    }
    default: return vfx__fail(VFX_ERR_INTERNAL, "color: unknown op %d", (int) src->code);
    }
}

vfx_status
vfx_color_processor_inverse(const vfx_color_processor *p, vfx_color_processor **out)
{
    if (!p || !out)
        return vfx__fail(VFX_ERR_ARG, "color: NULL argument");
    *out = NULL;
    vfx_color_processor *q;
    VFX_TRY(vfx_color_processor_new(&q));
    for (int32_t i = p->n_ops - 1; i >= 0; i--) {
        vfx__color_op op;
        vfx_status s = invert_op(&p->ops[i], &op);
        if (s == VFX_OK)
            s = vfx__color_processor_push_take(q, &op);
        else
            vfx__color_op_clear(&op);
        if (s != VFX_OK) {
            vfx__error_prefix("op %d (%s): ", (int) i, vfx_color_op_name(p->ops[i].code));
            vfx_color_processor_free(q);
            return s;
        }
    }
    *out = q;
    return VFX_OK;
}

/* ---- optimiser --------------------------------------------------------------------------- */

static int
matrix_is_identity(const vfx__color_op *op)
{
    for (int i = 0; i < 9; i++)
        if (fabs(op->u.matrix.m[i] - (i % 4 == 0 ? 1.0 : 0.0)) > 1e-12)
            return 0;
    for (int i = 0; i < 3; i++)
        if (fabs(op->u.matrix.offset[i]) > 1e-12)
            return 0;
    return 1;
}

static int
is_identity(const vfx__color_op *op)
{
    switch (op->code) {
    case VFX_COLOR_OP_MATRIX: return matrix_is_identity(op);
    case VFX_COLOR_OP_TRANSFER: return op->u.transfer.tf == VFX_TRANSFER_LINEAR;
    case VFX_COLOR_OP_EXPONENT:
        return op->u.exponent.style != VFX_NEGATIVE_CLAMP && op->u.exponent.gamma[0] == 1.0 &&
               op->u.exponent.gamma[1] == 1.0 && op->u.exponent.gamma[2] == 1.0;
    case VFX_COLOR_OP_RANGE:
        return op->u.range.scale == 1.0 && op->u.range.offset == 0.0 && isinf(op->u.range.lo) &&
               isinf(op->u.range.hi);
    default: return 0;
    }
}

/* a followed by b is the identity (on all reals, up to rounding) */
static int
cancels(const vfx__color_op *a, const vfx__color_op *b)
{
    if (a->code != b->code)
        return 0;
    switch (a->code) {
    case VFX_COLOR_OP_TRANSFER:
        return a->u.transfer.tf == b->u.transfer.tf && a->u.transfer.dir != b->u.transfer.dir &&
               vfx_transfer_is_bijective(a->u.transfer.tf);
    case VFX_COLOR_OP_EXPONENT:
        if (a->u.exponent.style != VFX_NEGATIVE_MIRROR || b->u.exponent.style != VFX_NEGATIVE_MIRROR)
            return 0;
        for (int i = 0; i < 3; i++)
            if (fabs(a->u.exponent.gamma[i] * b->u.exponent.gamma[i] - 1.0) > 1e-12)
                return 0;
        return 1;
    case VFX_COLOR_OP_HLG_OOTF:
        return a->u.hlg.gamma == b->u.hlg.gamma && a->u.hlg.dir != b->u.hlg.dir;
    case VFX_COLOR_OP_MONCURVE:
        return a->u.moncurve.dir != b->u.moncurve.dir && a->u.moncurve.mirror == b->u.moncurve.mirror &&
               memcmp(a->u.moncurve.gamma, b->u.moncurve.gamma, sizeof a->u.moncurve.gamma) == 0 &&
               memcmp(a->u.moncurve.offset, b->u.moncurve.offset, sizeof a->u.moncurve.offset) == 0;
    default: return 0;
    }
}

static void
remove_ops(vfx_color_processor *p, int32_t i, int32_t count)
{
    for (int32_t k = 0; k < count; k++)
        vfx__color_op_clear(&p->ops[i + k]);
    memmove(&p->ops[i], &p->ops[i + count], (size_t) (p->n_ops - i - count) * sizeof *p->ops);
    p->n_ops -= count;
}

vfx_status
vfx_color_processor_optimize(vfx_color_processor *p)
{
    if (!p)
        return vfx__fail(VFX_ERR_ARG, "color: NULL processor");
    int changed = 1;
    while (changed) {
        changed = 0;
        for (int32_t i = 0; i < p->n_ops; i++) {
            if (is_identity(&p->ops[i])) {
                remove_ops(p, i, 1);
                changed = 1;
                break;
            }
            if (i + 1 >= p->n_ops)
                break;
            vfx__color_op *a = &p->ops[i], *b = &p->ops[i + 1];
            if (cancels(a, b)) {
                remove_ops(p, i, 2);
                changed = 1;
                break;
            }
            if (a->code == VFX_COLOR_OP_MATRIX && b->code == VFX_COLOR_OP_MATRIX) {
                /* b(a(x)) = Mb (Ma x + oa) + ob */
                double m[9], o[3];
                const double *oa = a->u.matrix.offset;
                vfx_mat3_mul(b->u.matrix.m, a->u.matrix.m, m);
                for (int r = 0; r < 3; r++)
                    o[r] = b->u.matrix.m[3 * r] * oa[0] + b->u.matrix.m[3 * r + 1] * oa[1] +
                           b->u.matrix.m[3 * r + 2] * oa[2] + b->u.matrix.offset[r];
                memcpy(a->u.matrix.m, m, sizeof m);
                memcpy(a->u.matrix.offset, o, sizeof o);
                remove_ops(p, i + 1, 1);
                changed = 1;
                break;
            }
        }
    }
    return VFX_OK;
}

/* ---- kernels ------------------------------------------------------------------------------- */

VFX__MULTIVERSION static void
k_matrix(const vfx__color_op *op, float *restrict r, float *restrict g, float *restrict b, int n)
{
    const double *m = op->u.matrix.m, *o = op->u.matrix.offset;
    const float m0 = (float) m[0], m1 = (float) m[1], m2 = (float) m[2], m3 = (float) m[3],
                m4 = (float) m[4], m5 = (float) m[5], m6 = (float) m[6], m7 = (float) m[7],
                m8 = (float) m[8], o0 = (float) o[0], o1 = (float) o[1], o2 = (float) o[2];
    for (int i = 0; i < n; i++) {
        float x = r[i], y = g[i], z = b[i];
        r[i] = m0 * x + m1 * y + m2 * z + o0;
        g[i] = m3 * x + m4 * y + m5 * z + o1;
        b[i] = m6 * x + m7 * y + m8 * z + o2;
    }
}

static void
k_exponent(const vfx__color_op *op, float *const ch[3], int n)
{
    for (int c = 0; c < 3; c++) {
        float *v = ch[c];
        double g = op->u.exponent.gamma[c];
        switch (op->u.exponent.style) {
        case VFX_NEGATIVE_CLAMP:
            for (int i = 0; i < n; i++)
                v[i] = v[i] > 0.0f ? (float) pow(v[i], g) : 0.0f;
            break;
        case VFX_NEGATIVE_MIRROR:
            for (int i = 0; i < n; i++)
                v[i] = v[i] >= 0.0f ? (float) pow(v[i], g) : -(float) pow(-v[i], g);
            break;
        default:
            for (int i = 0; i < n; i++)
                v[i] = v[i] > 0.0f ? (float) pow(v[i], g) : v[i];
            break;
        }
    }
}

static void
k_log(const vfx__color_op *op, float *const ch[3], int n)
{
    const vfx_log_params *lp = &op->u.log.p;
    for (int c = 0; c < 3; c++)
        vfx__log_span(ch[c], (size_t) n, lp->base, lp->log_slope[c], lp->log_offset[c],
                      lp->lin_slope[c], lp->lin_offset[c], lp->lin_break[c], lp->linear_slope[c],
                      op->u.log.dir == VFX_DIR_FORWARD);
}

static float
clamp01(float x)
{
    return x < 0.0f ? 0.0f : x > 1.0f ? 1.0f : x; /* NaN -> NaN; fixed below where it matters */
}

static void
k_cdl(const vfx__color_op *op, float *r, float *g, float *b, int n)
{
    const vfx_cdl *c = &op->u.cdl.cdl;
    const int asc = op->u.cdl.style == VFX_CDL_ASC;
    const double sat = c->saturation;
    float *ch[3] = { r, g, b };
    if (op->u.cdl.dir == VFX_DIR_FORWARD) {
        for (int i = 0; i < n; i++) {
            double v[3];
            for (int k = 0; k < 3; k++) {
                double x = ch[k][i] * c->slope[k] + c->offset[k];
                if (asc) {
                    x = x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
                    x = pow(x, c->power[k]);
                } else if (x > 0.0) {
                    x = pow(x, c->power[k]);
                }
                v[k] = x;
            }
            /* saturation 1 is skipped, as OCIO does: luma + (v - luma) loses a small channel
             * next to a huge one (an HDR highlight of 1e18 zeroed a blue of 6.5) */
            double luma = sat != 1.0 ? 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2] : 0.0;
            for (int k = 0; k < 3; k++) {
                float y = (float) (sat != 1.0 ? luma + sat * (v[k] - luma) : v[k]);
                ch[k][i] = asc ? clamp01(y) : y;
            }
        }
    } else {
        for (int i = 0; i < n; i++) {
            double v[3];
            for (int k = 0; k < 3; k++) {
                double x = ch[k][i];
                v[k] = asc ? (x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x) : x;
            }
            double luma = sat != 1.0 ? 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2] : 0.0;
            for (int k = 0; k < 3; k++) {
                double x = sat != 1.0 ? luma + (v[k] - luma) / sat : v[k];
                if (asc) {
                    x = x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
                    x = pow(x, 1.0 / c->power[k]);
                } else if (x > 0.0) {
                    x = pow(x, 1.0 / c->power[k]);
                }
                x = (x - c->offset[k]) / c->slope[k];
                if (asc) /* the v1.2 reverse clamps its result too (as OCIO does) */
                    x = x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
                ch[k][i] = (float) x;
            }
        }
    }
}

VFX__MULTIVERSION static void
k_range(const vfx__color_op *op, float *const ch[3], int n)
{
    const float s = (float) op->u.range.scale, o = (float) op->u.range.offset;
    const float lo = (float) op->u.range.lo, hi = (float) op->u.range.hi;
    for (int c = 0; c < 3; c++) {
        float *v = ch[c];
        for (int i = 0; i < n; i++) {
            float x = v[i] * s + o;
            x = x < lo ? lo : x;
            v[i] = x > hi ? hi : x;
        }
    }
}

VFX__MULTIVERSION static void
k_lut1d_fwd(const vfx__color_op *op, float *const ch[3], int n)
{
    const float *t = op->u.lut1d.table;
    const int32_t len = op->u.lut1d.n;
    const float scale = (float) (len - 1);
    for (int c = 0; c < 3; c++) {
        float *v = ch[c];
        for (int i = 0; i < n; i++) {
            float x = v[i] * scale;
            x = x > 0.0f ? x : 0.0f; /* also maps NaN to 0 */
            x = x < scale ? x : scale;
            int32_t k = (int32_t) x;
            k = k < len - 1 ? k : len - 2;
            float f = x - (float) k;
            float a = t[3 * k + c], b = t[3 * (k + 1) + c];
            v[i] = (1.0f - f) * a + f * b; /* exact at the ends even next to huge entries */
        }
    }
}

/* Half-domain 1D LUT: the input's nearest half gives the entry; the input then interpolates
 * linearly between that half and its neighbour on the far side of the input (towards larger
 * magnitude, or smaller when rounding went up), as OCIO does. Infinities clamp to the largest
 * finite half; NaN takes the fraction 0. */
static void
k_lut1d_half(const vfx__color_op *op, float *const ch[3], int n)
{
    const float *t = op->u.lut1d.table;
    if (op->u.lut1d.dir == VFX_DIR_INVERSE)
        t += (size_t) 65536 * 3; /* the fast table (see half_inverse_prepare) */
    for (int c = 0; c < 3; c++) {
        float *v = ch[c];
        for (int i = 0; i < n; i++) {
            float x = v[i];
            uint16_t h = vfx_float_to_half(x);
            if ((h & 0x7fff) == 0x7c00) { /* infinity: the largest finite half */
                h = (uint16_t) (h - 1);
                x = vfx_half_to_float(h);
            }
            float hf = vfx_half_to_float(h);
            uint16_t a, b;
            if (fabsf(hf) > fabsf(x)) {
                b = h;
                a = (uint16_t) (h - 1);
            } else {
                a = h;
                b = (uint16_t) (h + 1);
                if ((b & 0x7fff) == 0x7c00) {
                    b = (uint16_t) (b - 1);
                    x = vfx_half_to_float(b);
                }
            }
            float fa = vfx_half_to_float(a), fb = vfx_half_to_float(b);
            float f = (x - fa) / (fb - fa);
            if (isnan(f))
                f = 0.0f;
            float va = t[3 * (size_t) a + (size_t) c], vb = t[3 * (size_t) b + (size_t) c];
            v[i] = vb + (va - vb) * (1.0f - f);
        }
    }
}

static void k_lut1d_inv(const vfx__color_op *op, float *const ch[3], int n);

/* Inverse of a half-domain 1D LUT on one half of the domain: entries [start, end] of the
 * table, times @p s, rise; @p vs is the sign applied to the value (OCIO's, see below). Finds
 * the segment (lower bound), then maps the fraction onto the two halves' real values. */
static float
half_inv_find(const float *t, int c, int32_t start, int32_t end, float s, float vs, float val)
{
#define T(k) (s * t[3 * (size_t) (k) + (size_t) c])
    float cv = val * vs;
    cv = cv < T(start) ? T(start) : cv;
    cv = T(end) < cv ? T(end) : cv;
    int32_t lo = start, hi = end; /* first k in [start, end) with !(T(k) < cv), else end */
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (T(mid) < cv)
            lo = mid + 1;
        else
            hi = mid;
    }
    int32_t a = lo > start ? lo - 1 : lo, b = a < end ? a + 1 : a;
    float delta = T(b) > T(a) ? (cv - T(a)) / (T(b) - T(a)) : 0.0f;
#undef T
    float base = vfx_half_to_float((uint16_t) a), next = vfx_half_to_float((uint16_t) (a + 1));
    return base + delta * (next - base);
}

/* CTF hueAdjust="dw3": after the per-channel LUT, the middle channel is set so that
 * (mid - min) / (max - min) keeps its value from before the LUT (the hue of the RGB
 * hexagon), as OCIO does. */
static void
k_lut1d_hue(const vfx__color_op *op, float *r, float *g, float *b, int n)
{
    float o[3][CHUNK];
    for (int at = 0; at < n; at += CHUNK) {
        int m = n - at < CHUNK ? n - at : CHUNK;
        float *const ch[3] = { r + at, g + at, b + at };
        for (int c = 0; c < 3; c++)
            memcpy(o[c], ch[c], (size_t) m * sizeof(float));
        if (op->u.lut1d.half_domain)
            k_lut1d_half(op, ch, m);
        else
            (op->u.lut1d.dir == VFX_DIR_FORWARD ? k_lut1d_fwd : k_lut1d_inv)(op, ch, m);
        for (int i = 0; i < m; i++) {
            float in[3] = { o[0][i], o[1][i], o[2][i] };
            int mx = 0, mn = 0;
            for (int c = 1; c < 3; c++) {
                if (in[c] > in[mx])
                    mx = c;
                if (in[c] < in[mn])
                    mn = c;
            }
            if (mx == mn) { /* all equal: nothing to keep */
                continue;
            }
            int md = 3 - mx - mn;
            float chroma = in[mx] - in[mn];
            float hue = chroma == 0.0f ? 0.0f : (in[md] - in[mn]) / chroma;
            float lo = ch[mn][i], hi = ch[mx][i];
            ch[md][i] = hue * (hi - lo) + lo;
        }
    }
}

/* Exact inverse of the linear interpolation of a monotonic curve. Tables of INVERSE ops are
 * made monotonic when the op is built (see monotonize), so a binary search finds the segment.
 * Outputs outside the curve's range clamp to the domain ends; a flat run at either end inverts
 * to its inner end (the widest invertible part). */
static void
k_lut1d_inv(const vfx__color_op *op, float *const ch[3], int n)
{
    const float *t = op->u.lut1d.table;
    const int32_t len = op->u.lut1d.n;
    const float inv_last = 1.0f / (float) (len - 1);
    for (int c = 0; c < 3; c++) {
        float *v = ch[c];
        const float sgn = t[3 * (len - 1) + c] >= t[c] ? 1.0f : -1.0f; /* work increasing */
        const float lo_v = sgn * t[c], hi_v = sgn * t[3 * (len - 1) + c];
        int32_t lo_k = 0, hi_k = len - 1;
        while (lo_k + 1 < len && sgn * t[3 * (lo_k + 1) + c] <= lo_v)
            lo_k++;
        while (hi_k > 0 && sgn * t[3 * (hi_k - 1) + c] >= hi_v)
            hi_k--;
        for (int i = 0; i < n; i++) {
            float yy = sgn * v[i];
            if (!(yy > lo_v)) { /* also NaN */
                v[i] = (float) lo_k * inv_last;
                continue;
            }
            if (yy >= hi_v) {
                v[i] = (float) hi_k * inv_last;
                continue;
            }
            int32_t lo = lo_k, hi = hi_k; /* t[lo] < yy <= t[hi] */
            while (hi - lo > 1) {
                int32_t mid = lo + (hi - lo) / 2;
                if (sgn * t[3 * mid + c] >= yy)
                    hi = mid;
                else
                    lo = mid;
            }
            float a = sgn * t[3 * lo + c], b = sgn * t[3 * hi + c];
            float f = b > a ? (yy - a) / (b - a) : 0.0f;
            v[i] = ((float) lo + f) * inv_last;
        }
    }
}

/* Tetrahedral interpolation without branches: with the fractions sorted as max >= mid >= min,
 * the tetrahedron runs from the cell origin along the max axis, then the mid axis, then the
 * last; weights are 1 - max, max - mid, mid - min, min. Ties give zero weights to the vertex
 * they make ambiguous, so any consistent choice of axes is exact. */
VFX__MULTIVERSION static void
k_lut3d_tetra(const vfx__color_op *op, float *restrict r, float *restrict g, float *restrict b, int n)
{
    const float *t = op->u.lut3d.table;
    const int32_t e = op->u.lut3d.n;
    const float scale = (float) (e - 1);
    const int32_t sr = 3, sg = 3 * e, sb = 3 * e * e, sall = sr + sg + sb;
    /* pass 1 (vectorises): cell, axes and weights of each pixel; pass 2: the table reads.
     * n <= CHUNK: run_ops is only called on chunks. */
    int32_t base[CHUNK], s1[CHUNK], s2[CHUNK];
    float w0[CHUNK], w1[CHUNK], w2[CHUNK], w3[CHUNK];
    for (int i = 0; i < n; i++) {
        float vr = r[i] * scale, vg = g[i] * scale, vb = b[i] * scale;
        vr = vr > 0.0f ? vr : 0.0f; /* also NaN -> 0 */
        vg = vg > 0.0f ? vg : 0.0f;
        vb = vb > 0.0f ? vb : 0.0f;
        vr = vr < scale ? vr : scale;
        vg = vg < scale ? vg : scale;
        vb = vb < scale ? vb : scale;
        int32_t kr = (int32_t) vr, kg = (int32_t) vg, kb = (int32_t) vb;
        kr = kr < e - 1 ? kr : e - 2;
        kg = kg < e - 1 ? kg : e - 2;
        kb = kb < e - 1 ? kb : e - 2;
        const float fr = vr - (float) kr, fg = vg - (float) kg, fb = vb - (float) kb;
        const float mx = fr > fg ? (fr > fb ? fr : fb) : (fg > fb ? fg : fb);
        const float mn = fr < fg ? (fr < fb ? fr : fb) : (fg < fb ? fg : fb);
        const float md = fr + fg + fb - mx - mn;
        s1[i] = (fr >= fg && fr >= fb) ? sr : (fg >= fb ? sg : sb);
        s2[i] = sall - ((fb <= fg && fb <= fr) ? sb : (fg <= fr ? sg : sr));
        w0[i] = 1.0f - mx;
        w1[i] = mx - md;
        w2[i] = md - mn;
        w3[i] = mn;
        base[i] = kr * sr + kg * sg + kb * sb;
    }
    for (int i = 0; i < n; i++) {
        const float *p0 = t + base[i], *p1 = p0 + s1[i], *p2 = p0 + s2[i], *p3 = p0 + sall;
        r[i] = w0[i] * p0[0] + w1[i] * p1[0] + w2[i] * p2[0] + w3[i] * p3[0];
        g[i] = w0[i] * p0[1] + w1[i] * p1[1] + w2[i] * p2[1] + w3[i] * p3[1];
        b[i] = w0[i] * p0[2] + w1[i] * p1[2] + w2[i] * p2[2] + w3[i] * p3[2];
    }
}

VFX__MULTIVERSION static void
k_lut3d_trilinear(const vfx__color_op *op, float *restrict r, float *restrict g, float *restrict b,
                  int n)
{
    const float *t = op->u.lut3d.table;
    const int32_t e = op->u.lut3d.n;
    const float scale = (float) (e - 1);
    const int32_t sr = 3, sg = 3 * e, sb = 3 * e * e;
    for (int i = 0; i < n; i++) {
        float x[3] = { r[i] * scale, g[i] * scale, b[i] * scale };
        int32_t k[3];
        float f[3];
        for (int c = 0; c < 3; c++) {
            float v = x[c] > 0.0f ? x[c] : 0.0f;
            v = v < scale ? v : scale;
            int32_t q = (int32_t) v;
            q = q < e - 1 ? q : e - 2;
            k[c] = q;
            f[c] = v - (float) q;
        }
        const float *p0 = t + k[0] * sr + k[1] * sg + k[2] * sb;
        float out[3];
        for (int c = 0; c < 3; c++) {
            float c00 = p0[c] + f[0] * (p0[sr + c] - p0[c]);
            float c10 = p0[sg + c] + f[0] * (p0[sg + sr + c] - p0[sg + c]);
            float c01 = p0[sb + c] + f[0] * (p0[sb + sr + c] - p0[sb + c]);
            float c11 = p0[sb + sg + c] + f[0] * (p0[sb + sg + sr + c] - p0[sb + sg + c]);
            float c0 = c00 + f[1] * (c10 - c00);
            float c1 = c01 + f[1] * (c11 - c01);
            out[c] = c0 + f[2] * (c1 - c0);
        }
        r[i] = out[0];
        g[i] = out[1];
        b[i] = out[2];
    }
}

static void
k_lut3d(const vfx__color_op *op, float *r, float *g, float *b, int n)
{
    if (op->u.lut3d.interp == VFX_INTERP_TETRAHEDRAL)
        k_lut3d_tetra(op, r, g, b, n);
    else
        k_lut3d_trilinear(op, r, g, b, n);
}

static void
k_hlg(const vfx__color_op *op, float *r, float *g, float *b, int n)
{
    const double gm = op->u.hlg.gamma;
    const int fwd = op->u.hlg.dir == VFX_DIR_FORWARD;
    for (int i = 0; i < n; i++) {
        double y = 0.2627 * r[i] + 0.6780 * g[i] + 0.0593 * b[i];
        double s = y > 0.0 ? (fwd ? pow(y, gm - 1.0) : pow(y, (1.0 - gm) / gm)) : 0.0;
        r[i] = (float) (r[i] * s);
        g[i] = (float) (g[i] * s);
        b[i] = (float) (b[i] * s);
    }
}

/* CLF monCurve: FORWARD ((x + o) / (1 + o))^g above x_break = o / (g - 1), x * s below, with
 * s = ((g - 1) / o) ((o g) / ((g - 1)(1 + o)))^g so value and slope are continuous. The
 * kernel lives with the other vectorised curves in transfer.c. */
static void
k_moncurve(const vfx__color_op *op, float *const ch[3], int n)
{
    for (int c = 0; c < 3; c++)
        if (op->u.moncurve.gamma[c] != 1.0) /* gamma 1 (with offset 0) leaves the channel */
            vfx__moncurve_span(ch[c], (size_t) n, op->u.moncurve.gamma[c], op->u.moncurve.offset[c],
                               op->u.moncurve.mirror, op->u.moncurve.dir == VFX_DIR_FORWARD);
}

/* FORWARD: power == 1: in * gain; else pivot * max(0, in * gain / pivot)^power.
 * INVERSE:  power == 1: in / gain; else pivot / gain * max(0, in / pivot)^(1 / power). */
static void
k_ec(const vfx__color_op *op, float *const ch[3], int n)
{
    const double g = op->u.ec.gain, pv = op->u.ec.pivot, c = op->u.ec.power;
    const int fwd = op->u.ec.dir == VFX_DIR_FORWARD;
    for (int k = 0; k < 3; k++) {
        float *v = ch[k];
        if (c == 1.0) {
            const float s = (float) (fwd ? g : 1.0 / g);
            for (int i = 0; i < n; i++)
                v[i] *= s;
        } else if (fwd) {
            const float pre = (float) (g / pv), post = (float) pv;
            for (int i = 0; i < n; i++) {
                float x = v[i] * pre;
                v[i] = (float) pow(x > 0.0f ? x : 0.0f, c) * post; /* NaN -> 0 */
            }
        } else {
            const float pre = (float) (1.0 / pv), post = (float) (pv / g);
            for (int i = 0; i < n; i++) {
                float x = v[i] * pre;
                v[i] = (float) pow(x > 0.0f ? x : 0.0f, 1.0 / c) * post;
            }
        }
    }
}

/* Fixed functions, written from the definitions OCIO documents for its FixedFunctionTransform
 * (extended-range HSV; u'v' with 0 for a zero denominator; L* on 0..1 with the D65 u'v'). */
#define LUV_UW 0.19783001
#define LUV_VW 0.46831999

static void
fixed_one(vfx_fixed_function f, int fwd, double param, double in[3], double out[3])
{
    switch (f) {
    case VFX_FIXED_REC2100_SURROUND: {
        double g = fwd ? param : 1.0 / param;
        double y = fmax(1e-4, 0.2627 * in[0] + 0.6780 * in[1] + 0.0593 * in[2]);
        double s = pow(y, g - 1.0);
        for (int c = 0; c < 3; c++)
            out[c] = in[c] * s;
        return;
    }
    case VFX_FIXED_RGB_TO_HSV:
        if (fwd) {
            double r = in[0], g = in[1], b = in[2];
            double lo = fmin(fmin(r, g), b), hi = fmax(fmax(r, g), b);
            double h = 0.0, s = 0.0, v = hi;
            if (lo != hi) {
                double d = hi - lo;
                if (hi != 0.0)
                    s = d / hi;
                h = r == hi ? (g - b) / d : g == hi ? 2.0 + (b - r) / d : 4.0 + (r - g) / d;
                if (h < 0.0)
                    h += 6.0;
                h /= 6.0;
            }
            if (lo < 0.0) /* extended range: negatives lift S above 1 */
                v += lo;
            if (-lo > hi)
                s = (hi - lo) / -lo;
            out[0] = h;
            out[1] = s;
            out[2] = v;
        } else {
            double h = (in[0] - floor(in[0])) * 6.0;
            double s = fmin(fmax(in[1], 0.0), (double) 1.999f), v = in[2]; /* OCIO's f32 limit */
            double r = fmin(fmax(fabs(h - 3.0) - 1.0, 0.0), 1.0);
            double g = fmin(fmax(2.0 - fabs(h - 2.0), 0.0), 1.0);
            double b = fmin(fmax(2.0 - fabs(h - 4.0), 0.0), 1.0);
            double hi = v, lo = v * (1.0 - s);
            if (s > 1.0) {
                lo = v * (1.0 - s) / (2.0 - s);
                hi = v - lo;
            }
            if (v < 0.0) {
                lo = v / (2.0 - s);
                hi = v - lo;
            }
            double d = hi - lo;
            out[0] = r * d + lo;
            out[1] = g * d + lo;
            out[2] = b * d + lo;
        }
        return;
    case VFX_FIXED_XYZ_TO_XYY:
        if (fwd) {
            double sum = in[0] + in[1] + in[2], k = sum == 0.0 ? 0.0 : 1.0 / sum;
            out[0] = in[0] * k;
            out[1] = in[1] * k;
            out[2] = in[1];
        } else {
            double k = in[1] == 0.0 ? 0.0 : 1.0 / in[1];
            out[0] = in[2] * in[0] * k;
            out[1] = in[2];
            out[2] = in[2] * (1.0 - in[0] - in[1]) * k;
        }
        return;
    case VFX_FIXED_XYZ_TO_UVY:
    case VFX_FIXED_XYZ_TO_LUV:
        if (fwd) {
            double den = in[0] + 15.0 * in[1] + 3.0 * in[2], k = den == 0.0 ? 0.0 : 1.0 / den;
            double u = 4.0 * in[0] * k, v = 9.0 * in[1] * k;
            if (f == VFX_FIXED_XYZ_TO_UVY) {
                out[0] = u;
                out[1] = v;
                out[2] = in[1];
            } else {
                double y = in[1];
                double l = y <= 0.008856451679 ? 9.0329629629629608 * y : 1.16 * cbrt(y) - 0.16;
                out[0] = l;
                out[1] = 13.0 * l * (u - LUV_UW);
                out[2] = 13.0 * l * (v - LUV_VW);
            }
        } else {
            double u, v, y;
            if (f == VFX_FIXED_XYZ_TO_UVY) {
                u = in[0];
                v = in[1];
                y = in[2];
            } else {
                double l = in[0], k = l == 0.0 ? 0.0 : 1.0 / (13.0 * l);
                u = in[1] * k + LUV_UW;
                v = in[2] * k + LUV_VW;
                double t = (l + 0.16) / 1.16;
                y = l <= 0.08 ? l / 9.0329629629629608 : t * t * t;
            }
            double k = v == 0.0 ? 0.0 : 1.0 / (4.0 * v);
            out[0] = 9.0 * y * u * k;
            out[1] = y;
            out[2] = y * (12.0 - 3.0 * u - 20.0 * v) * k;
        }
        return;
    default:
        for (int c = 0; c < 3; c++)
            out[c] = in[c];
        return;
    }
}

static void
k_fixed(const vfx__color_op *op, float *r, float *g, float *b, int n)
{
    const int fwd = op->u.fixed.dir == VFX_DIR_FORWARD;
    if (vfx__fixed_is_aces(op->u.fixed.f)) {
        vfx__fixed_aces_span(op, r, g, b, n);
        return;
    }
    for (int i = 0; i < n; i++) {
        double in[3] = { r[i], g[i], b[i] }, out[3];
        fixed_one(op->u.fixed.f, fwd, op->u.fixed.param, in, out);
        r[i] = (float) out[0];
        g[i] = (float) out[1];
        b[i] = (float) out[2];
    }
}

static void
run_ops(const vfx_color_processor *p, float *r, float *g, float *b, int n)
{
    float *const ch[3] = { r, g, b };
    for (int32_t k = 0; k < p->n_ops; k++) {
        const vfx__color_op *op = &p->ops[k];
        switch (op->code) {
        case VFX_COLOR_OP_MATRIX: k_matrix(op, r, g, b, n); break;
        case VFX_COLOR_OP_TRANSFER:
            for (int c = 0; c < 3; c++) {
                if (op->u.transfer.dir == VFX_DIR_FORWARD)
                    vfx__transfer_encode_span(op->u.transfer.tf, ch[c], (size_t) n);
                else
                    vfx__transfer_decode_span(op->u.transfer.tf, ch[c], (size_t) n);
            }
            break;
        case VFX_COLOR_OP_EXPONENT: k_exponent(op, ch, n); break;
        case VFX_COLOR_OP_LOG: k_log(op, ch, n); break;
        case VFX_COLOR_OP_CDL: k_cdl(op, r, g, b, n); break;
        case VFX_COLOR_OP_RANGE: k_range(op, ch, n); break;
        case VFX_COLOR_OP_LUT1D:
            if (op->u.lut1d.hue_adjust)
                k_lut1d_hue(op, r, g, b, n);
            else if (op->u.lut1d.half_domain)
                k_lut1d_half(op, ch, n);
            else if (op->u.lut1d.dir == VFX_DIR_FORWARD)
                k_lut1d_fwd(op, ch, n);
            else
                k_lut1d_inv(op, ch, n);
            break;
        case VFX_COLOR_OP_LUT3D: k_lut3d(op, r, g, b, n); break;
        case VFX_COLOR_OP_HLG_OOTF: k_hlg(op, r, g, b, n); break;
        case VFX_COLOR_OP_MONCURVE: k_moncurve(op, ch, n); break;
        case VFX_COLOR_OP_EXPOSURE_CONTRAST: k_ec(op, ch, n); break;
        case VFX_COLOR_OP_FIXED: k_fixed(op, r, g, b, n); break;
        case VFX_COLOR_OP_OPENDRT: vfx__opendrt_span(&op->u.drt, r, g, b, n); break;
        case VFX_COLOR_OP_GRADING_PRIMARY: vfx__grading_primary_span(op, r, g, b, n); break;
        case VFX_COLOR_OP_GRADING_RGB_CURVE: vfx__grading_rgb_curve_span(op, r, g, b, n); break;
        case VFX_COLOR_OP_GRADING_TONE: vfx__grading_tone_span(op, r, g, b, n); break;
        default: break;
        }
    }
}

vfx_status
vfx_color_processor_apply_f32(const vfx_color_processor *p, float *px, int32_t n_channels,
                              ptrdiff_t x_stride, ptrdiff_t y_stride, int32_t width, int32_t height)
{
    if (!p || n_channels < 3 || width < 0 || height < 0)
        return vfx__fail(VFX_ERR_ARG, "color: apply: bad arguments (channels %d, %dx%d)",
                         (int) n_channels, (int) width, (int) height);
    if (width == 0 || height == 0 || p->n_ops == 0)
        return VFX_OK;
    if (!px)
        return vfx__fail(VFX_ERR_ARG, "color: apply: NULL buffer");
    if (x_stride == 0)
        x_stride = (ptrdiff_t) n_channels * (ptrdiff_t) sizeof(float);
    if (y_stride == 0)
        y_stride = x_stride * width;
    float r[CHUNK], g[CHUNK], b[CHUNK];
    const int packed = x_stride == (ptrdiff_t) n_channels * (ptrdiff_t) sizeof(float);
    for (int32_t y = 0; y < height; y++) {
        char *row = (char *) px + (ptrdiff_t) y * y_stride;
        for (int32_t x0 = 0; x0 < width; x0 += CHUNK) {
            int n = (int) VFX__MIN(CHUNK, width - x0);
            char *base = row + (ptrdiff_t) x0 * x_stride;
            if (packed && n_channels == 4) {
                const float *q = (const float *) base;
                for (int i = 0; i < n; i++) {
                    r[i] = q[4 * i];
                    g[i] = q[4 * i + 1];
                    b[i] = q[4 * i + 2];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    const float *q = (const float *) (base + (ptrdiff_t) i * x_stride);
                    r[i] = q[0];
                    g[i] = q[1];
                    b[i] = q[2];
                }
            }
            run_ops(p, r, g, b, n);
            if (packed && n_channels == 4) {
                float *q = (float *) base;
                for (int i = 0; i < n; i++) {
                    q[4 * i] = r[i];
                    q[4 * i + 1] = g[i];
                    q[4 * i + 2] = b[i];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    float *q = (float *) (base + (ptrdiff_t) i * x_stride);
                    q[0] = r[i];
                    q[1] = g[i];
                    q[2] = b[i];
                }
            }
        }
    }
    return VFX_OK;
}

/* Any pixel type: gather each channel of a chunk into f32 with the core converters, run the
 * ops, scatter back. */
static vfx_status
apply_typed(const vfx_color_processor *p, char *const base[3], vfx_pixel_type type,
            ptrdiff_t x_stride, ptrdiff_t y_stride, int32_t width, int32_t height)
{
    float v[3][CHUNK];
    for (int32_t y = 0; y < height; y++) {
        for (int32_t x0 = 0; x0 < width; x0 += CHUNK) {
            int n = (int) VFX__MIN(CHUNK, width - x0);
            char *at[3];
            for (int c = 0; c < 3; c++) {
                at[c] = base[c] + (ptrdiff_t) y * y_stride + (ptrdiff_t) x0 * x_stride;
                VFX_TRY(vfx_convert_values(at[c], type, x_stride, v[c], VFX_PIXEL_F32, sizeof(float),
                                           (size_t) n));
            }
            run_ops(p, v[0], v[1], v[2], n);
            for (int c = 0; c < 3; c++)
                VFX_TRY(vfx_convert_values(v[c], VFX_PIXEL_F32, sizeof(float), at[c], type, x_stride,
                                           (size_t) n));
        }
    }
    return VFX_OK;
}

vfx_status
vfx_color_processor_apply(const vfx_color_processor *p, void *px, vfx_pixel_type type,
                          int32_t n_channels, ptrdiff_t x_stride, ptrdiff_t y_stride, int32_t width,
                          int32_t height)
{
    if (type == VFX_PIXEL_F32)
        return vfx_color_processor_apply_f32(p, px, n_channels, x_stride, y_stride, width, height);
    size_t vs = vfx_pixel_type_size(type);
    if (!p || vs == 0 || n_channels < 3 || width < 0 || height < 0)
        return vfx__fail(VFX_ERR_ARG, "color: apply: bad arguments (type %s, channels %d, %dx%d)",
                         vfx_pixel_type_name(type), (int) n_channels, (int) width, (int) height);
    if (width == 0 || height == 0 || p->n_ops == 0)
        return VFX_OK;
    if (!px)
        return vfx__fail(VFX_ERR_ARG, "color: apply: NULL buffer");
    if (x_stride == 0)
        x_stride = (ptrdiff_t) n_channels * (ptrdiff_t) vs;
    if (y_stride == 0)
        y_stride = x_stride * width;
    char *const base[3] = { (char *) px, (char *) px + vs, (char *) px + 2 * vs };
    return apply_typed(p, base, type, x_stride, y_stride, width, height);
}

vfx_status
vfx_color_processor_apply_planar(const vfx_color_processor *p, void *planes[3], vfx_pixel_type type,
                                 ptrdiff_t x_stride, ptrdiff_t y_stride, int32_t width, int32_t height)
{
    size_t vs = vfx_pixel_type_size(type);
    if (!p || !planes || vs == 0 || width < 0 || height < 0)
        return vfx__fail(VFX_ERR_ARG, "color: apply: bad arguments (type %s, %dx%d)",
                         vfx_pixel_type_name(type), (int) width, (int) height);
    if (width == 0 || height == 0 || p->n_ops == 0)
        return VFX_OK;
    if (!planes[0] || !planes[1] || !planes[2])
        return vfx__fail(VFX_ERR_ARG, "color: apply: NULL plane");
    if (x_stride == 0)
        x_stride = (ptrdiff_t) vs;
    if (y_stride == 0)
        y_stride = x_stride * width;
    char *const base[3] = { planes[0], planes[1], planes[2] };
    return apply_typed(p, base, type, x_stride, y_stride, width, height);
}

void
vfx_color_processor_apply_rgb(const vfx_color_processor *p, float rgb[3])
{
    if (!p || !rgb)
        return;
    float r = rgb[0], g = rgb[1], b = rgb[2];
    run_ops(p, &r, &g, &b, 1);
    rgb[0] = r;
    rgb[1] = g;
    rgb[2] = b;
}

/* ---- description ----------------------------------------------------------------------- */

typedef struct sbuf {
    char  *buf;
    size_t size, len;
} sbuf;

static void
sb_printf(sbuf *b, const char *fmt, ...) VFX__PRINTF(2, 3);

static void
sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *dst = b->len < b->size ? b->buf + b->len : NULL;
    size_t room = b->len < b->size ? b->size - b->len : 0;
    int n = vsnprintf(dst, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        b->len += (size_t) n;
}

static const char *
dir_name(vfx_direction d)
{
    return d == VFX_DIR_FORWARD ? "forward" : "inverse";
}

size_t
vfx_color_processor_describe(const vfx_color_processor *p, char *buf, size_t size)
{
    sbuf b = { buf, size, 0 };
    if (buf && size)
        buf[0] = '\0';
    if (!p)
        return 0;
    static const char *const neg[] = { "clamp", "mirror", "pass_thru" };
    for (int32_t i = 0; i < p->n_ops; i++) {
        const vfx__color_op *op = &p->ops[i];
        sb_printf(&b, "%s", vfx_color_op_name(op->code));
        switch (op->code) {
        case VFX_COLOR_OP_MATRIX: {
            const double *m = op->u.matrix.m, *o = op->u.matrix.offset;
            sb_printf(&b, " [%.9g %.9g %.9g; %.9g %.9g %.9g; %.9g %.9g %.9g] + [%.9g %.9g %.9g]", m[0],
                      m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], o[0], o[1], o[2]);
            break;
        }
        case VFX_COLOR_OP_TRANSFER:
            sb_printf(&b, " %s %s", vfx_transfer_name(op->u.transfer.tf),
                      op->u.transfer.dir == VFX_DIR_FORWARD ? "encode" : "decode");
            break;
        case VFX_COLOR_OP_EXPONENT:
            sb_printf(&b, " [%.9g %.9g %.9g] %s", op->u.exponent.gamma[0], op->u.exponent.gamma[1],
                      op->u.exponent.gamma[2], neg[op->u.exponent.style]);
            break;
        case VFX_COLOR_OP_MONCURVE:
            sb_printf(&b, " gamma [%.9g %.9g %.9g] offset [%.9g %.9g %.9g] %s %s",
                      op->u.moncurve.gamma[0], op->u.moncurve.gamma[1], op->u.moncurve.gamma[2],
                      op->u.moncurve.offset[0], op->u.moncurve.offset[1], op->u.moncurve.offset[2],
                      op->u.moncurve.mirror ? "mirror" : "pass_thru", dir_name(op->u.moncurve.dir));
            break;
        case VFX_COLOR_OP_LOG: {
            const vfx_log_params *lp = &op->u.log.p;
            sb_printf(&b, " base %.9g", lp->base);
            for (int c = 0; c < 3; c++)
                sb_printf(&b, " [%.9g %.9g %.9g %.9g break %.9g slope %.9g]", lp->log_slope[c],
                          lp->log_offset[c], lp->lin_slope[c], lp->lin_offset[c], lp->lin_break[c],
                          lp->linear_slope[c]);
            sb_printf(&b, " %s", dir_name(op->u.log.dir));
            break;
        }
        case VFX_COLOR_OP_CDL: {
            const vfx_cdl *c = &op->u.cdl.cdl;
            sb_printf(&b, " slope [%.9g %.9g %.9g] offset [%.9g %.9g %.9g] power [%.9g %.9g %.9g] sat %.9g %s %s",
                      c->slope[0], c->slope[1], c->slope[2], c->offset[0], c->offset[1], c->offset[2],
                      c->power[0], c->power[1], c->power[2], c->saturation,
                      op->u.cdl.style == VFX_CDL_ASC ? "asc" : "no_clamp", dir_name(op->u.cdl.dir));
            break;
        }
        case VFX_COLOR_OP_RANGE:
            sb_printf(&b, " x * %.9g + %.9g clamped to [%.9g, %.9g]", op->u.range.scale,
                      op->u.range.offset, op->u.range.lo, op->u.range.hi);
            break;
        case VFX_COLOR_OP_LUT1D:
            sb_printf(&b, " %d %s%s", (int) op->u.lut1d.n, dir_name(op->u.lut1d.dir),
                      op->u.lut1d.half_domain ? " half_domain" : "");
            break;
        case VFX_COLOR_OP_LUT3D:
            sb_printf(&b, " %d %s", (int) op->u.lut3d.n,
                      op->u.lut3d.interp == VFX_INTERP_TETRAHEDRAL ? "tetrahedral" : "trilinear");
            break;
        case VFX_COLOR_OP_HLG_OOTF:
            sb_printf(&b, " gamma %.9g %s", op->u.hlg.gamma, dir_name(op->u.hlg.dir));
            break;
        case VFX_COLOR_OP_FIXED: {
            static const char *const names[] = { "rec2100_surround", "rgb_to_hsv", "xyz_to_xyy",
                                                 "xyz_to_uvy", "xyz_to_luv" };
            if (vfx__fixed_is_aces(op->u.fixed.f))
                sb_printf(&b, " %s %.9g %s", vfx__fixed_aces_name(op->u.fixed.f), op->u.fixed.param,
                          dir_name(op->u.fixed.dir));
            else
                sb_printf(&b, " %s %.9g %s", names[op->u.fixed.f], op->u.fixed.param,
                          dir_name(op->u.fixed.dir));
            break;
        }
        case VFX_COLOR_OP_EXPOSURE_CONTRAST:
            sb_printf(&b, " gain %.9g pivot %.9g power %.9g %s", op->u.ec.gain, op->u.ec.pivot,
                      op->u.ec.power, dir_name(op->u.ec.dir));
            break;
        case VFX_COLOR_OP_GRADING_PRIMARY: {
            static const char *const st[] = { "log", "lin", "video" };
            const vfx_grading_primary *v = &op->u.gprim.v;
            sb_printf(&b, " %s saturation %.9g pivot %.9g [%.9g %.9g] %s", st[op->u.gprim.style],
                      v->saturation, v->pivot, v->pivot_black, v->pivot_white,
                      dir_name(op->u.gprim.dir));
            break;
        }
        case VFX_COLOR_OP_GRADING_RGB_CURVE: {
            static const char *const st[] = { "log", "lin", "video" };
            sb_printf(&b, " %s%s %s", st[op->u.rgbcurve.style],
                      op->u.rgbcurve.lin_to_log ? " lin_to_log" : "", dir_name(op->u.rgbcurve.dir));
            break;
        }
        case VFX_COLOR_OP_GRADING_TONE: {
            static const char *const st[] = { "log", "lin", "video" };
            sb_printf(&b, " %s s_contrast %.9g %s", st[op->u.gtone.style], op->u.gtone.v.s_contrast,
                      dir_name(op->u.gtone.dir));
            break;
        }
        default: break;
        }
        sb_printf(&b, "\n");
    }
    return b.len;
}
