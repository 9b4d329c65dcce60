/* mad3: a * b + c of three images, per channel (oiiotool --mad). The RoD is the union of the
 * inputs' (each reads 0 outside its own); the spec is a's. */
#include "ops/op_int.h"
#include "vfx/ops.h"

static vfx_status
mad3_rod(const vfx_node *n, vfx_rect *rod_out)
{
    vfx_rect r = vfx__node_rod(vfx__node_input(n, 0));
    r = vfx_rect_union(r, vfx__node_rod(vfx__node_input(n, 1)));
    *rod_out = vfx_rect_union(r, vfx__node_rod(vfx__node_input(n, 2)));
    return VFX_OK;
}

static vfx_status
mad3_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    int64_t len = vfx_rect_width(out->rect) * out->n_channels;
    (void) n;
    (void) scratch;
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        const float *a = vfx__tile_at(in[0], out->rect.x0, y);
        const float *b = vfx__tile_at(in[1], out->rect.x0, y);
        const float *c = vfx__tile_at(in[2], out->rect.x0, y);
        float       *d = vfx__tile_at(out, out->rect.x0, y);
        for (int64_t i = 0; i < len; i++)
            d[i] = a[i] * b[i] + c[i];
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_mad3 = {
    sizeof(vfx_op_class), "mad3", 0, 0,
    mad3_rod, NULL, mad3_render, NULL, NULL, NULL, NULL, NULL
};

vfx_status
vfx_image_mad3(vfx_image *a, vfx_image *b, vfx_image *c, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "mad: out is NULL");
    *out = NULL;
    if (!a || !b || !c)
        return vfx__fail(VFX_ERR_ARG, "mad: NULL input");
    int32_t nc = vfx_image_n_channels(a);
    if (vfx_image_n_channels(b) != nc || vfx_image_n_channels(c) != nc)
        return vfx__fail(VFX_ERR_ARG, "mad: the three images need the same channel count");
    vfx_image *in[3] = { a, b, c };
    return vfx__node_new(&vfx__op_mad3, NULL, 0, in, 3, NULL, out);
}
