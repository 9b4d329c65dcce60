/* kernel: a small one-channel image held in the params (convolution kernels: oiiotool
 * --kernel / ImageBufAlgo::make_kernel). A named filter of width x height is sampled at integer
 * offsets on an odd-sized grid centred on (0, 0), then normalised to sum 1. */
#include <math.h>
#include <string.h>

#include "ops/filter.h"
#include "vfx/ops.h"

typedef struct kernel_params {
    vfx_rect rect;
    float    v[]; /* width x height, row-major */
} kernel_params;

static vfx_status
kernel_rod(const vfx_node *n, vfx_rect *rod_out)
{
    const kernel_params *p = vfx__node_params(n);
    *rod_out = p->rect;
    return VFX_OK;
}

static vfx_status
kernel_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const kernel_params *p = vfx__node_params(n);
    int64_t              w = vfx_rect_width(p->rect);
    (void) in;
    (void) scratch;
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++)
        for (int32_t x = out->rect.x0; x < out->rect.x1; x++)
            *vfx__tile_at(out, x, y) = p->v[(int64_t) (y - p->rect.y0) * w + (x - p->rect.x0)];
    return VFX_OK;
}

const vfx_op_class vfx__op_kernel = {
    sizeof(vfx_op_class), "kernel", 0, sizeof(kernel_params),
    kernel_rod, NULL, kernel_render, NULL, NULL, NULL, NULL, NULL
};

vfx_status
vfx__kernel_values(const char *name, float width, float height, int normalize, float **v_out,
                   int32_t *w_out, int32_t *h_out)
{
    int id = vfx__filter_find(name);
    *v_out = NULL;
    if (width <= 0)
        width = id >= 0 ? vfx__filter_width(id) : 4.0f;
    if (height <= 0)
        height = id >= 0 ? vfx__filter_width(id) : 4.0f;
    if (!(width <= 1024.0f && height <= 1024.0f))
        return vfx__fail(VFX_ERR_ARG, "kernel: %gx%g is too large (1024 max)", (double) width,
                         (double) height);
    int32_t w = (int32_t) ceilf(width), h = (int32_t) ceilf(height);
    w = (w < 1 ? 1 : w) | 1;
    h = (h < 1 ? 1 : h) | 1;
    int is_lap = strcmp(name, "laplacian") == 0 && w == 3 && h == 3;
    if (id < 0 && !is_lap)
        return vfx__fail(VFX_ERR_ARG, "kernel: unknown kernel \"%s\"", name);
    float *v = vfx__alloc((size_t) w * (size_t) h * sizeof(float));
    if (!v)
        return vfx__nomem();
    if (is_lap) {
        static const float lap[9] = { 0, 1, 0, 1, -4, 1, 0, 1, 0 };
        memcpy(v, lap, sizeof lap);
        normalize = 0; /* sums to 0 */
    } else {
        for (int32_t j = 0; j < h; j++)
            for (int32_t i = 0; i < w; i++)
                v[j * w + i] = vfx__filter_2d(id, width, height, (float) (i - w / 2),
                                              (float) (j - h / 2));
    }
    if (normalize) {
        double sum = 0;
        for (int32_t i = 0; i < w * h; i++)
            sum += (double) v[i];
        if (sum != 0.0)
            for (int32_t i = 0; i < w * h; i++)
                v[i] = (float) ((double) v[i] / sum);
    }
    *v_out = v;
    *w_out = w;
    *h_out = h;
    return VFX_OK;
}

vfx_status
vfx_image_make_kernel(const char *name, float width, float height, int normalize,
                      vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "kernel: out is NULL");
    *out = NULL;
    if (!name)
        return vfx__fail(VFX_ERR_ARG, "kernel: name is NULL");
    float  *v;
    int32_t w, h;
    vfx_status s = vfx__kernel_values(name, width, height, normalize, &v, &w, &h);
    if (s != VFX_OK)
        return s;
    size_t         bytes = sizeof(kernel_params) + (size_t) w * (size_t) h * sizeof(float);
    kernel_params *p = vfx__alloc(bytes);
    vfx_spec       spec = VFX_SPEC_INIT;
    if (!p) {
        vfx__free(v);
        return vfx__nomem();
    }
    p->rect = vfx_rect_make(-w / 2, -h / 2, w, h);
    memcpy(p->v, v, (size_t) w * (size_t) h * sizeof(float));
    vfx__free(v);
    s = vfx_spec_init_simple(&spec, w, h, "Y", VFX_PIXEL_F32);
    if (s == VFX_OK) {
        spec.data = spec.display = p->rect;
        s = vfx__node_new(&vfx__op_kernel, p, bytes, NULL, 0, &spec, out);
    }
    vfx_spec_clear(&spec);
    vfx__free(p);
    return s;
}
