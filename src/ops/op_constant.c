/* constant: every pixel the same value. A pointwise generator, so it fuses into the chain
 * that reads it and never occupies the cache on its own. */
#include <string.h>

#include "ops/op_int.h"

typedef struct constant_params {
    int32_t n_channels;
    float   v[]; /* n_channels */
} constant_params;

VFX__HOT_KERNEL static void
fill4(float *out, const float *v, int32_t n_px)
{
    float a = v[0], b = v[1], c = v[2], d = v[3];
    for (int32_t i = 0; i < n_px; i++) {
        out[4 * i + 0] = a;
        out[4 * i + 1] = b;
        out[4 * i + 2] = c;
        out[4 * i + 3] = d;
    }
}

static void
constant_row(const vfx_node *n, const float *in, float *out, int32_t x, int32_t y, int32_t n_px)
{
    const constant_params *p = vfx__node_params(n);
    (void) in;
    (void) x;
    (void) y;
    int32_t nc = p->n_channels;
    if (nc == 4) {
        fill4(out, p->v, n_px);
        return;
    }
    for (int32_t i = 0; i < n_px; i++)
        memcpy(out + (ptrdiff_t) i * nc, p->v, (size_t) nc * sizeof(float));
}

const vfx_op_class vfx__op_constant = {
    sizeof(vfx_op_class), "constant", VFX_OP_POINTWISE, sizeof(constant_params),
    NULL, NULL, NULL, NULL, constant_row, NULL, NULL, NULL
};

vfx_status
vfx_image_new_constant(const float *values, const vfx_spec *spec, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "constant: out is NULL");
    *out = NULL;
    int32_t nc;
    VFX_TRY(vfx__check_gen_spec(spec, &nc));
    if (!values)
        return vfx__fail(VFX_ERR_ARG, "constant: values is NULL");
    size_t bytes = sizeof(constant_params) + (size_t) nc * sizeof(float);
    constant_params *p = vfx__alloc(bytes);
    if (!p)
        return vfx__nomem();
    p->n_channels = nc;
    memcpy(p->v, values, (size_t) nc * sizeof(float));
    vfx_status s = vfx__node_new(&vfx__op_constant, p, bytes, NULL, 0, spec, out);
    vfx__free(p);
    return s;
}
