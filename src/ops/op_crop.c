/* crop: restrict the RoD. Pointwise (a copy), so it fuses and costs nothing in a chain. */
#include <string.h>

#include "ops/op_int.h"

typedef struct crop_params {
    vfx_rect rect;
} crop_params;

static vfx_status
crop_rod(const vfx_node *n, vfx_rect *rod_out)
{
    const crop_params *p = vfx__node_params(n);
    *rod_out = vfx_rect_intersect(vfx__node_rod(vfx__node_input(n, 0)), p->rect);
    return VFX_OK;
}

static void
crop_row(const vfx_node *n, const float *in, float *out, int32_t x, int32_t y, int32_t n_px)
{
    (void) x;
    (void) y;
    if (in != out)
        memcpy(out, in, (size_t) n_px * (size_t) vfx__node_channels(n) * sizeof(float));
}

const vfx_op_class vfx__op_crop = {
    sizeof(vfx_op_class), "crop", VFX_OP_POINTWISE, sizeof(crop_params),
    crop_rod, NULL, NULL, NULL, crop_row, NULL, NULL, NULL
};

vfx_status
vfx_image_crop(vfx_image *in, vfx_rect rect, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "crop: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "crop: input is NULL");
    crop_params p = { rect };
    return vfx__node_new(&vfx__op_crop, &p, sizeof p, &in, 1, NULL, out);
}
