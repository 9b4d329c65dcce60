/* unsharp: out = in + contrast * (in - blurred) where |in - blurred| > threshold, else in
 * (OIIO's unsharp_mask). Two inputs: the image and its blur (made by the constructor with
 * vfx_image_blur, so the blur streams as two 1-D passes). */
#include <math.h>

#include "ops/op_int.h"
#include "vfx/ops.h"

typedef struct unsharp_params {
    float contrast, threshold;
} unsharp_params;

static vfx_status
unsharp_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const unsharp_params *p = vfx__node_params(n);
    int64_t               len = vfx_rect_width(out->rect) * out->n_channels;
    (void) scratch;
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        const float *a = vfx__tile_at(in[0], out->rect.x0, y);
        const float *b = vfx__tile_at(in[1], out->rect.x0, y);
        float       *d = vfx__tile_at(out, out->rect.x0, y);
        for (int64_t i = 0; i < len; i++) {
            float diff = a[i] - b[i];
            d[i] = fabsf(diff) > p->threshold ? a[i] + p->contrast * diff : a[i];
        }
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_unsharp = {
    sizeof(vfx_op_class), "unsharp", 0, sizeof(unsharp_params),
    NULL, NULL, unsharp_render, NULL, NULL, NULL, NULL, NULL
};

vfx_status
vfx_image_unsharp(vfx_image *in, const char *kernel, float width, float contrast,
                  float threshold, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "unsharp: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "unsharp: input is NULL");
    vfx_image *blur = NULL;
    vfx_status s = vfx_image_blur(in, kernel, width, width, &blur);
    if (s != VFX_OK)
        return s;
    unsharp_params p = { contrast, threshold };
    vfx_image     *ins[2] = { in, blur };
    s = vfx__node_new(&vfx__op_unsharp, &p, sizeof p, ins, 2, NULL, out);
    vfx_image_unref(blur);
    return s;
}
