/* fail (test only): a copy of its input that fails on the tile holding one pixel, to test
 * that the first error of a worker reaches the caller with its message. */
#include <string.h>

#include "ops/op_int.h"

typedef struct fail_params {
    int32_t    x, y;
    vfx_status code;
} fail_params;

static vfx_status
fail_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const fail_params *p = vfx__node_params(n);
    (void) scratch;
    if (vfx_rect_contains_point(out->rect, p->x, p->y))
        return vfx__fail(p->code, "fail op: tile at (%d, %d)", (int) p->x, (int) p->y);
    size_t row = (size_t) vfx_rect_width(out->rect) * (size_t) out->n_channels * sizeof(float);
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++)
        memcpy(vfx__tile_at(out, out->rect.x0, y), vfx__tile_at(in[0], out->rect.x0, y), row);
    return VFX_OK;
}

const vfx_op_class vfx__op_fail = {
    sizeof(vfx_op_class), "fail", 0, sizeof(fail_params),
    NULL, NULL, fail_render, NULL, NULL, NULL, NULL, NULL
};

vfx_status
vfx__image_fail_at(vfx_image *in, int32_t x, int32_t y, vfx_status code, vfx_image **out)
{
    *out = NULL;
    if (!in || code == VFX_OK)
        return vfx__fail(VFX_ERR_ARG, "fail: NULL input or code VFX_OK");
    fail_params p = { x, y, code };
    return vfx__node_new(&vfx__op_fail, &p, sizeof p, &in, 1, NULL, out);
}
