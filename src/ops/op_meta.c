/* meta: the input's pixels under another set of metadata (attributes). Pointwise and a no-op
 * on pixels, so it fuses into whatever reads it and costs nothing when run in place. */
#include <string.h>

#include "ops/op_int.h"

typedef struct meta_params {
    int32_t n_channels;
} meta_params;

static void
meta_row(const vfx_node *n, const float *in, float *out, int32_t x, int32_t y, int32_t n_px)
{
    const meta_params *p = vfx__node_params(n);
    (void) x, (void) y;
    if (in != out)
        memcpy(out, in, (size_t) n_px * (size_t) p->n_channels * sizeof(float));
}

const vfx_op_class vfx__op_meta = {
    sizeof(vfx_op_class), "meta", VFX_OP_POINTWISE, sizeof(meta_params),
    NULL, NULL, NULL, NULL, meta_row, NULL, NULL, NULL
};

vfx_status
vfx_image_set_attrs(vfx_image *in, const vfx_attrs *attrs, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "set_attrs: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "set_attrs: input is NULL");
    vfx_spec   spec = VFX_SPEC_INIT;
    vfx_status s = vfx_spec_copy(&spec, vfx_image_spec(in));
    if (s != VFX_OK)
        return s;
    vfx_attrs_free(spec.attrs);
    spec.attrs = NULL;
    if (attrs)
        s = vfx_attrs_copy(attrs, &spec.attrs);
    meta_params p = { vfx_image_n_channels(in) };
    if (s == VFX_OK)
        s = vfx__node_new(&vfx__op_meta, &p, sizeof p, &in, 1, &spec, out);
    vfx_spec_clear(&spec);
    return s;
}
