/* convolve: 2-D correlation with a small kernel held in the params, as OIIO's convolve:
 * out(x, y) = scale * sum k(i, j) in(x + i, y + j) over the kernel's taps (offsets from its
 * data window), inputs past the RoD clamped (WrapClamp), RoD = the input's. Rows are
 * accumulated one tap at a time along the whole row (vectorises). Separable named kernels
 * (blur, unsharp) never come here: they run as two 1-D passes through the resize node. */
#include <math.h>
#include <string.h>

#include "ops/filter.h"
#include "vfx/ops.h"
#include "vfx/sink.h"

typedef struct conv_params {
    vfx_rect rod;
    int32_t  w, h, kx0, ky0;
    float    scale;
    float   k[]; /* w x h */
} conv_params;

static vfx_status
conv_rod(const vfx_node *n, vfx_rect *rod_out)
{
    const conv_params *p = vfx__node_params(n);
    *rod_out = p->rod;
    return VFX_OK;
}

static void
conv_roi(const vfx_node *n, int k, const vfx_rect *want, vfx_rect *need_out)
{
    const conv_params *p = vfx__node_params(n);
    (void) k;
    *need_out = (vfx_rect){ want->x0 + p->kx0, want->y0 + p->ky0, want->x1 + p->kx0 + p->w - 1,
                            want->y1 + p->ky0 + p->h - 1 };
}

static vfx_edge
conv_edge(const vfx_node *n, int k)
{
    (void) n;
    (void) k;
    return VFX_EDGE_CLAMP;
}

/* One output row: d[i] = scale * sum_{j, i'} k[j][i'] * s[j * stride + i' * nc + i], the sum
 * running from tap (0, 0) row by row. A block of VB values is summed over every tap in
 * registers (one load per multiply-add), not over the whole row in memory per tap. */
#define VB 64
VFX__HOT_KERNEL static void
conv_row(float *restrict d, const float *restrict s, ptrdiff_t stride, const float *k,
         int32_t kw, int32_t kh, int32_t nc, float scale, int64_t len)
{
    int64_t i = 0;
    for (; i + VB <= len; i += VB) {
        float acc[VB];
        for (int b = 0; b < VB; b++)
            acc[b] = 0.0f;
        for (int32_t j = 0; j < kh; j++) {
            for (int32_t t = 0; t < kw; t++) {
                const float *q = s + j * stride + (ptrdiff_t) t * nc + i;
                float        c = k[j * kw + t];
                for (int b = 0; b < VB; b++)
                    acc[b] += c * q[b];
            }
        }
        if (scale != 1.0f)
            for (int b = 0; b < VB; b++)
                acc[b] *= scale;
        for (int b = 0; b < VB; b++)
            d[i + b] = acc[b];
    }
    for (; i < len; i++) {
        float a = 0.0f;
        for (int32_t j = 0; j < kh; j++)
            for (int32_t t = 0; t < kw; t++)
                a += k[j * kw + t] * s[j * stride + (ptrdiff_t) t * nc + i];
        d[i] = scale != 1.0f ? a * scale : a;
    }
}
#undef VB

static vfx_status
conv_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const conv_params *p = vfx__node_params(n);
    const vfx_tile    *src = in[0];
    int32_t            nc = out->n_channels;
    int64_t            len = vfx_rect_width(out->rect) * nc;
    (void) scratch;
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++)
        conv_row(vfx__tile_at(out, out->rect.x0, y),
                 vfx__tile_at(src, out->rect.x0 + p->kx0, y + p->ky0), src->stride, p->k,
                 p->w, p->h, nc, p->scale, len);
    return VFX_OK;
}

const vfx_op_class vfx__op_convolve = {
    sizeof(vfx_op_class), "convolve", 0, sizeof(conv_params),
    conv_rod, conv_roi, conv_render, NULL, NULL, conv_edge, NULL, NULL
};

vfx_status
vfx__convolve_new(vfx_image *in, const float *k, int32_t w, int32_t h, int32_t kx0, int32_t ky0,
                  float scale, vfx_rect rod, vfx_image **out)
{
    vfx_image *ready;
    vfx_status s = vfx__pad_to_display(in, &ready);
    if (s != VFX_OK)
        return s;
    size_t       bytes = sizeof(conv_params) + (size_t) w * (size_t) h * sizeof(float);
    conv_params *p = vfx__alloc(bytes);
    if (!p) {
        vfx_image_unref(ready);
        return vfx__nomem();
    }
    *p = (conv_params){ rod, w, h, kx0, ky0, scale };
    memcpy(p->k, k, (size_t) w * (size_t) h * sizeof(float));
    vfx_spec spec = VFX_SPEC_INIT;
    s = vfx_spec_copy(&spec, vfx_image_spec(in));
    if (s == VFX_OK) {
        spec.data = rod;
        s = vfx__node_new(&vfx__op_convolve, p, bytes, &ready, 1, &spec, out);
    }
    vfx_spec_clear(&spec);
    vfx__free(p);
    vfx_image_unref(ready);
    return s;
}

vfx_status
vfx_image_convolve(vfx_image *in, vfx_image *kernel, int normalize, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "convolve: out is NULL");
    *out = NULL;
    if (!in || !kernel)
        return vfx__fail(VFX_ERR_ARG, "convolve: NULL input");
    vfx_rect kr = vfx_image_rod(kernel);
    int32_t  knc = vfx_image_n_channels(kernel);
    if (vfx_rect_is_infinite(kr) || vfx_rect_is_empty(kr) || vfx_rect_width(kr) > 1025 ||
        vfx_rect_height(kr) > 1025)
        return vfx__fail(VFX_ERR_ARG, "convolve: the kernel must be finite, at most 1025^2");
    int32_t w = (int32_t) vfx_rect_width(kr), h = (int32_t) vfx_rect_height(kr);
    float  *buf = vfx__alloc((size_t) w * (size_t) h * (size_t) knc * sizeof(float));
    float  *k = vfx__alloc((size_t) w * (size_t) h * sizeof(float));
    if (!buf || !k) {
        vfx__free(buf);
        vfx__free(k);
        return vfx__nomem();
    }
    vfx_status s = vfx_image_render(kernel, kr, buf, VFX_PIXEL_F32, (ptrdiff_t) knc * 4,
                                    (ptrdiff_t) w * knc * 4, knc, NULL);
    if (s == VFX_OK) {
        float sum = 0.0f, scale = 1.0f; /* channel 0 is the kernel (as OIIO) */
        for (int32_t i = 0; i < w * h; i++) {
            k[i] = buf[(size_t) i * (size_t) knc];
            sum += k[i];
        }
        if (normalize)
            scale = 1.0f / sum;
        s = vfx__convolve_new(in, k, w, h, kr.x0, kr.y0, scale, vfx_image_rod(in), out);
    }
    vfx__free(buf);
    vfx__free(k);
    return s;
}

/* A separable named kernel as two 1-D passes (resize node with shared weights). */
static vfx_status
blur_separable(vfx_image *in, int id, float width, float height, vfx_image **out)
{
    int32_t         kw = ((int32_t) ceilf(width) < 1 ? 1 : (int32_t) ceilf(width)) | 1;
    int32_t         kh = ((int32_t) ceilf(height) < 1 ? 1 : (int32_t) ceilf(height)) | 1;
    vfx_rect        rod = vfx_image_rod(in);
    vfx__axis_table t[2];
    float          *wv[2] = { NULL, NULL };
    int32_t        *st[2] = { NULL, NULL };
    vfx_status      s = VFX_OK;
    if (vfx_rect_is_infinite(rod))
        return vfx__fail(VFX_ERR_ARG, "blur: the input's RoD is infinite");
    for (int a = 0; a < 2 && s == VFX_OK; a++) {
        int32_t taps = a == 0 ? kw : kh, o0 = a == 0 ? rod.x0 : rod.y0;
        int32_t n = (int32_t) (a == 0 ? vfx_rect_width(rod) : vfx_rect_height(rod));
        float   fw = a == 0 ? width : height;
        wv[a] = vfx__alloc((size_t) taps * sizeof(float));
        st[a] = vfx__alloc((size_t) (n > 0 ? n : 1) * sizeof(int32_t));
        if (!wv[a] || !st[a]) {
            s = vfx__nomem();
            break;
        }
        double sum = 0;
        for (int32_t i = 0; i < taps; i++) {
            wv[a][i] = vfx__filter_1d(id, fw, (float) (i - taps / 2));
            sum += (double) wv[a][i];
        }
        for (int32_t i = 0; i < taps && sum != 0.0; i++)
            wv[a][i] = (float) ((double) wv[a][i] / sum);
        for (int32_t o = 0; o < n; o++)
            st[a][o] = o0 + o - taps / 2;
        t[a] = (vfx__axis_table){ o0, n, taps, 0, st[a], wv[a] };
    }
    vfx_image *ready = NULL;
    if (s == VFX_OK)
        s = vfx__pad_to_display(in, &ready);
    if (s == VFX_OK)
        s = vfx__sepfilter_new(ready, &t[0], &t[1], rod, vfx_image_spec(in)->display,
                               VFX_EDGE_CLAMP, out);
    vfx_image_unref(ready);
    for (int a = 0; a < 2; a++) {
        vfx__free(wv[a]);
        vfx__free(st[a]);
    }
    return s;
}

vfx_status
vfx_image_blur(vfx_image *in, const char *kernel, float width, float height, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "blur: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "blur: input is NULL");
    if (!kernel || !*kernel)
        kernel = "gaussian";
    int id = vfx__filter_find(kernel);
    if (!(width > 0 && height > 0 && width <= 1024 && height <= 1024))
        return vfx__fail(VFX_ERR_ARG, "blur: size %gx%g outside (0, 1024]", (double) width,
                         (double) height);
    if (id >= 0 && vfx__filter_separable(id))
        return blur_separable(in, id, width, height, out);
    float  *k;
    int32_t w, h;
    vfx_status s = vfx__kernel_values(kernel, width, height, 1, &k, &w, &h);
    if (s != VFX_OK)
        return s;
    float sum = 0.0f;
    for (int32_t i = 0; i < w * h; i++)
        sum += k[i];
    s = vfx__convolve_new(in, k, w, h, -w / 2, -h / 2, sum != 0.0f ? 1.0f / sum : 1.0f,
                          vfx_image_rod(in), out);
    vfx__free(k);
    return s;
}

vfx_status
vfx_image_laplacian(vfx_image *in, vfx_image **out)
{
    static const float lap[9] = { 0, 1, 0, 1, -4, 1, 0, 1, 0 };
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "laplacian: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "laplacian: input is NULL");
    return vfx__convolve_new(in, lap, 3, 3, -1, -1, 1.0f, vfx_image_rod(in), out);
}
