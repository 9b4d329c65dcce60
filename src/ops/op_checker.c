/* checker: a checkerboard of two colours (pointwise generator). */
#include <string.h>

#include "ops/op_int.h"

typedef struct checker_params {
    int32_t size, n_channels;
    float   ab[]; /* a[n_channels] then b[n_channels] */
} checker_params;

static int64_t
cell(int64_t v, int64_t size)
{
    int64_t q = v / size;
    return (v % size != 0 && v < 0) ? q - 1 : q;
}

static void
checker_row(const vfx_node *n, const float *in, float *out, int32_t x, int32_t y, int32_t n_px)
{
    const checker_params *p = vfx__node_params(n);
    (void) in;
    int32_t nc = p->n_channels;
    size_t px = (size_t) nc * sizeof(float);
    int64_t cy = cell(y, p->size);
    for (int32_t i = 0; i < n_px; i++) {
        int64_t cx = cell((int64_t) x + i, p->size);
        const float *v = ((cx + cy) & 1) ? p->ab + nc : p->ab;
        memcpy(out + (ptrdiff_t) i * nc, v, px);
    }
}

const vfx_op_class vfx__op_checker = {
    sizeof(vfx_op_class), "checker", VFX_OP_POINTWISE, sizeof(checker_params),
    NULL, NULL, NULL, NULL, checker_row, NULL, NULL, NULL
};

vfx_status
vfx_image_checker(const vfx_spec *spec, int32_t size, const float *a, const float *b,
                  vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "checker: out is NULL");
    *out = NULL;
    int32_t nc;
    VFX_TRY(vfx__check_gen_spec(spec, &nc));
    if (!a || !b || size < 1)
        return vfx__fail(VFX_ERR_ARG, "checker: size %d < 1 or NULL colours", (int) size);
    size_t bytes = sizeof(checker_params) + 2 * (size_t) nc * sizeof(float);
    checker_params *p = vfx__alloc(bytes);
    if (!p)
        return vfx__nomem();
    p->size = size;
    p->n_channels = nc;
    memcpy(p->ab, a, (size_t) nc * sizeof(float));
    memcpy(p->ab + nc, b, (size_t) nc * sizeof(float));
    vfx_status s = vfx__node_new(&vfx__op_checker, p, bytes, NULL, 0, spec, out);
    vfx__free(p);
    return s;
}
