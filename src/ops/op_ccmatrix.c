/* ccmatrix: a 4x4 colour matrix as oiiotool --ccmatrix applies it: the pixel is the row vector
 * (R, G, B, A) — A is 0 for images without a fourth channel — and out = v * M, so the fourth
 * row holds offsets scaled by alpha and the fourth column makes the new alpha. Pointwise. */
#include <math.h>
#include <string.h>

#include "ops/op_int.h"
#include "vfx/ops.h"

typedef struct ccm_params {
    int32_t n_channels;
    int32_t unpremult; /* divide R,G,B by alpha first, multiply by the old alpha after */
    float   m[16];     /* row-major, row-vector convention */
} ccm_params;

static void
ccm_row(const vfx_node *n, const float *in, float *out, int32_t x, int32_t y, int32_t n_px)
{
    const ccm_params *p = vfx__node_params(n);
    const float      *m = p->m;
    int32_t           nc = p->n_channels;
    int               has_a = nc >= 4;
    (void) x, (void) y;
    for (int32_t i = 0; i < n_px; i++) {
        const float *s = in + (ptrdiff_t) i * nc;
        float       *d = out + (ptrdiff_t) i * nc;
        float        a = has_a ? s[3] : 0.0f;
        float        r = s[0], g = s[1], b = s[2];
        if (p->unpremult && has_a && a != 0.0f)
            r /= a, g /= a, b /= a;
        float o0 = r * m[0] + g * m[4] + b * m[8] + a * m[12];
        float o1 = r * m[1] + g * m[5] + b * m[9] + a * m[13];
        float o2 = r * m[2] + g * m[6] + b * m[10] + a * m[14];
        float o3 = r * m[3] + g * m[7] + b * m[11] + a * m[15];
        if (p->unpremult && has_a && a != 0.0f)
            o0 *= a, o1 *= a, o2 *= a; /* by the original alpha, as oiiotool */
        if (in != out && nc > 4)
            memcpy(d + 4, s + 4, (size_t) (nc - 4) * sizeof(float));
        d[0] = o0, d[1] = o1, d[2] = o2;
        if (has_a)
            d[3] = o3;
    }
}

const vfx_op_class vfx__op_ccmatrix = {
    sizeof(vfx_op_class), "ccmatrix", VFX_OP_POINTWISE, sizeof(ccm_params),
    NULL, NULL, NULL, NULL, ccm_row, NULL, NULL, NULL
};

/* Inverse of a 4x4 matrix by Gauss-Jordan with partial pivoting, in double. -1 if singular. */
static int
invert44(const float *m, float *inv)
{
    double a[4][8];
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 8; c++)
            a[r][c] = c < 4 ? m[r * 4 + c] : (c - 4 == r);
    for (int c = 0; c < 4; c++) {
        int piv = c;
        for (int r = c + 1; r < 4; r++)
            if (fabs(a[r][c]) > fabs(a[piv][c]))
                piv = r;
        if (fabs(a[piv][c]) < 1e-12)
            return -1;
        for (int k = 0; k < 8; k++) {
            double t = a[c][k];
            a[c][k] = a[piv][k];
            a[piv][k] = t;
        }
        double d = a[c][c];
        for (int k = 0; k < 8; k++)
            a[c][k] /= d;
        for (int r = 0; r < 4; r++) {
            if (r == c)
                continue;
            double f = a[r][c];
            for (int k = 0; k < 8; k++)
                a[r][k] -= f * a[c][k];
        }
    }
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++)
            inv[r * 4 + c] = (float) a[r][4 + c];
    return 0;
}

vfx_status
vfx_image_ccmatrix(vfx_image *in, const float m[16], int transpose, int invert, int unpremult,
                   vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "ccmatrix: out is NULL");
    *out = NULL;
    if (!in || !m)
        return vfx__fail(VFX_ERR_ARG, "ccmatrix: NULL input or matrix");
    ccm_params p;
    p.n_channels = vfx_image_n_channels(in);
    p.unpremult = unpremult != 0;
    if (p.n_channels < 3)
        return vfx__fail(VFX_ERR_ARG, "ccmatrix: the image has %d channels, needs at least 3",
                         (int) p.n_channels);
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++)
            p.m[r * 4 + c] = transpose ? m[c * 4 + r] : m[r * 4 + c];
    if (invert) {
        float t[16];
        if (invert44(p.m, t) != 0)
            return vfx__fail(VFX_ERR_ARG, "ccmatrix: the matrix is singular, it has no inverse");
        memcpy(p.m, t, sizeof t);
    }
    return vfx__node_new(&vfx__op_ccmatrix, &p, sizeof p, &in, 1, NULL, out);
}
