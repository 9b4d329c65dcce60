/* mad: out = a * in + b per channel (pointwise; fuses). */
#include <string.h>

#include "ops/op_int.h"

typedef struct mad_params {
    int32_t n_channels;
    float   ab[]; /* a[n_channels] then b[n_channels] */
} mad_params;

/* RGBA, in place: the usual case inside a fused chain. One pointer, so it vectorises (with
 * in and out as two pointers the compiler must assume partial overlap and stays scalar). */
VFX__HOT_KERNEL static void
mad4_inplace(float *io, const float *a, const float *b, int32_t n_px)
{
    float a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
    for (int32_t i = 0; i < n_px; i++) {
        io[4 * i + 0] = a0 * io[4 * i + 0] + b0;
        io[4 * i + 1] = a1 * io[4 * i + 1] + b1;
        io[4 * i + 2] = a2 * io[4 * i + 2] + b2;
        io[4 * i + 3] = a3 * io[4 * i + 3] + b3;
    }
}

VFX__HOT_KERNEL static void
mad4(const float *restrict in, float *restrict out, const float *a, const float *b, int32_t n_px)
{
    float a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
    for (int32_t i = 0; i < n_px; i++) {
        out[4 * i + 0] = a0 * in[4 * i + 0] + b0;
        out[4 * i + 1] = a1 * in[4 * i + 1] + b1;
        out[4 * i + 2] = a2 * in[4 * i + 2] + b2;
        out[4 * i + 3] = a3 * in[4 * i + 3] + b3;
    }
}

static void
mad_row(const vfx_node *n, const float *in, float *out, int32_t x, int32_t y, int32_t n_px)
{
    const mad_params *p = vfx__node_params(n);
    (void) x;
    (void) y;
    int32_t nc = p->n_channels;
    const float *a = p->ab, *b = p->ab + nc;
    if (nc == 4) {
        if (in == out)
            mad4_inplace(out, a, b, n_px);
        else
            mad4(in, out, a, b, n_px);
        return;
    }
    for (int32_t i = 0; i < n_px; i++)
        for (int32_t c = 0; c < nc; c++)
            out[(ptrdiff_t) i * nc + c] = a[c] * in[(ptrdiff_t) i * nc + c] + b[c];
}

const vfx_op_class vfx__op_mad = {
    sizeof(vfx_op_class), "mad", VFX_OP_POINTWISE, sizeof(mad_params),
    NULL, NULL, NULL, NULL, mad_row, NULL, NULL, NULL
};

vfx_status
vfx_image_mad(vfx_image *in, const float *a, const float *b, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "mad: out is NULL");
    *out = NULL;
    if (!in || !a || !b)
        return vfx__fail(VFX_ERR_ARG, "mad: NULL input or coefficients");
    int32_t nc = vfx_image_n_channels(in);
    size_t bytes = sizeof(mad_params) + 2 * (size_t) nc * sizeof(float);
    mad_params *p = vfx__alloc(bytes);
    if (!p)
        return vfx__nomem();
    p->n_channels = nc;
    memcpy(p->ab, a, (size_t) nc * sizeof(float));
    memcpy(p->ab + nc, b, (size_t) nc * sizeof(float));
    vfx_status s = vfx__node_new(&vfx__op_mad, p, bytes, &in, 1, NULL, out);
    vfx__free(p);
    return s;
}
