/* fft / ifft (whole-input) and polar / unpolar (pointwise), with OpenImageIO's meanings:
 *
 *  fft:     the 2-D DFT of channel 0 over the input's display window (0 outside the data
 *           window) -> 2 channels (real, imag) over that window;
 *  ifft:    the inverse of a (real, imag) image -> 1 channel, the real part;
 *  both scaled by 1 / sqrt(width x height) (unitary, so fft then ifft is the identity), the
 *  forward one with exp(-2 pi i (u x / w + v y / h)), frequency (0, 0) at the data window's
 *  corner, as oiiotool --fft / --ifft;
 *  polar:   (real, imag) -> (amplitude, phase = atan2(imag, real) in [0, 2 pi));
 *  unpolar: (amplitude, phase) -> (real, imag).
 *
 * The transforms use FFTW (single precision, any size; plans made under a lock because FFTW's
 * planner is not thread-safe). Measured against a hand-written radix-2 FFT in
 * bench/bench_fft.c; see docs/compare.md.
 *
 * Streaming: a DFT needs every input pixel, so the fft node is VFX_OP_WHOLE_INPUT and its cache
 * grid is one tile = its whole RoD: the transform runs once, its result lives in the tile
 * cache (counted in the budget), and the public constructors put a pass-through node on top
 * so sinks and consumers read tiles of that one cached result. */
#include <fftw3.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "ops/op_int.h"
#include "vfx/ops.h"

enum { F_FFT, F_IFFT, F_POLAR, F_UNPOLAR };

typedef struct fft_params {
    int32_t kind;
} fft_params;

static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;

/* The transform covers the input's display window (pixels outside its data window are 0),
 * as oiiotool --fft does; so does the result. */
static vfx_status
fft_rod(const vfx_node *n, vfx_rect *rod_out)
{
    *rod_out = vfx__node_spec(vfx__node_input(n, 0))->display;
    return VFX_OK;
}

static void
fft_roi(const vfx_node *n, int k, const vfx_rect *want, vfx_rect *need_out)
{
    (void) k;
    (void) want;
    *need_out = vfx__node_spec(vfx__node_input(n, 0))->display;
}

static void
fft_tiling(const vfx_node *n, vfx__tiling *out)
{
    vfx_rect r = vfx__node_rod(n);
    int64_t  w = vfx_rect_width(r), h = vfx_rect_height(r);
    *out = (vfx__tiling){ (int32_t) (w > 0 ? w : 1), (int32_t) (h > 0 ? h : 1), r.x0, r.y0 };
}

static vfx_status
fft_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const fft_params *p = vfx__node_params(n);
    (void) scratch;
    const vfx_tile *src = in[0];
    int32_t         w = (int32_t) vfx_rect_width(src->rect), h = (int32_t) vfx_rect_height(src->rect);
    size_t          npx = (size_t) w * (size_t) h;
    fftwf_complex  *buf = fftwf_malloc(npx * sizeof *buf);
    if (!buf)
        return vfx__nomem();
    int32_t nci = src->n_channels;
    for (int32_t y = 0; y < h; y++) {
        const float *s = src->p + (ptrdiff_t) y * src->stride;
        for (int32_t x = 0; x < w; x++) {
            buf[(size_t) y * (size_t) w + (size_t) x][0] = s[(ptrdiff_t) x * nci];
            buf[(size_t) y * (size_t) w + (size_t) x][1] =
                p->kind == F_IFFT ? s[(ptrdiff_t) x * nci + 1] : 0.0f;
        }
    }
    pthread_mutex_lock(&plan_lock);
    fftwf_plan plan = fftwf_plan_dft_2d(h, w, buf, buf,
                                        p->kind == F_FFT ? FFTW_FORWARD : FFTW_BACKWARD,
                                        FFTW_ESTIMATE);
    pthread_mutex_unlock(&plan_lock);
    if (!plan) {
        fftwf_free(buf);
        return vfx__fail(VFX_ERR_INTERNAL, "fft: FFTW made no plan for %dx%d", (int) w, (int) h);
    }
    fftwf_execute(plan);
    pthread_mutex_lock(&plan_lock);
    fftwf_destroy_plan(plan);
    pthread_mutex_unlock(&plan_lock);
    float   k = (float) (1.0 / sqrt((double) npx));
    int32_t nco = out->n_channels;
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        float                *q = vfx__tile_at(out, out->rect.x0, y);
        const fftwf_complex *b = buf + (size_t) (y - src->rect.y0) * (size_t) w +
                                  (size_t) (out->rect.x0 - src->rect.x0);
        for (int32_t x = 0; x < (int32_t) vfx_rect_width(out->rect); x++) {
            q[(ptrdiff_t) x * nco] = b[x][0] * k;
            if (nco > 1)
                q[(ptrdiff_t) x * nco + 1] = b[x][1] * k;
        }
    }
    fftwf_free(buf);
    return VFX_OK;
}

const vfx_op_class vfx__op_fft = {
    sizeof(vfx_op_class), "fft", VFX_OP_WHOLE_INPUT, sizeof(fft_params),
    fft_rod, fft_roi, fft_render, NULL, NULL, NULL, fft_tiling, NULL
};

static void
polar_row(const vfx_node *n, const float *in, float *out, int32_t x, int32_t y, int32_t n_px)
{
    const fft_params *p = vfx__node_params(n);
    (void) x;
    (void) y;
    for (int32_t i = 0; i < n_px; i++) {
        float a = in[2 * i], b = in[2 * i + 1];
        if (p->kind == F_POLAR) {
            out[2 * i] = hypotf(a, b);
            float ph = atan2f(b, a);
            out[2 * i + 1] = ph < 0.0f ? ph + 6.2831853f : ph; /* [0, 2 pi), as OIIO */
        } else {
            out[2 * i] = a * cosf(b);
            out[2 * i + 1] = a * sinf(b);
        }
    }
}

const vfx_op_class vfx__op_polar = {
    sizeof(vfx_op_class), "polar", VFX_OP_POINTWISE, sizeof(fft_params),
    NULL, NULL, NULL, NULL, polar_row, NULL, NULL, NULL
};

static vfx_status
make_spec(vfx_image *in, const char *names, vfx_spec *spec)
{
    VFX_TRY(vfx_spec_copy(spec, vfx_image_spec(in)));
    vfx_channels_free(spec->channels);
    spec->channels = NULL;
    return vfx_channels_from_names(names, VFX_PIXEL_F32, &spec->channels);
}

static vfx_status
fft_new(vfx_image *in, int kind, vfx_image **out)
{
    const char *what = kind == F_FFT ? "fft" : kind == F_IFFT ? "ifft" : kind == F_POLAR ? "polar"
                                                                                         : "unpolar";
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "%s: out is NULL", what);
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "%s: input is NULL", what);
    int32_t nc = vfx_image_n_channels(in);
    if (kind != F_FFT && nc != 2)
        return vfx__fail(VFX_ERR_ARG, "%s: needs a 2-channel (complex) image, this one has %d",
                         what, (int) nc);
    vfx_rect r = vfx_image_spec(in)->display;
    if (kind <= F_IFFT && (vfx_rect_is_infinite(r) || vfx_rect_is_empty(r) ||
                           vfx_rect_area(r) > ((int64_t) 1 << 28)))
        return vfx__fail(VFX_ERR_ARG, "%s: the display window must be finite, non-empty and at most "
                                      "2^28 pixels", what);
    fft_params p = { kind };
    vfx_spec   spec = VFX_SPEC_INIT;
    /* channel names as oiiotool: fft -> real, imag; ifft -> R; polar / unpolar keep theirs */
    vfx_status s = kind >= F_POLAR ? VFX_OK : make_spec(in, kind == F_IFFT ? "R" : "real,imag", &spec);
    if (s == VFX_OK && kind >= F_POLAR) {
        s = vfx__node_new(&vfx__op_polar, &p, sizeof p, &in, 1, NULL, out);
    } else if (s == VFX_OK) {
        vfx_image *f = NULL;
        s = vfx__node_new(&vfx__op_fft, &p, sizeof p, &in, 1, &spec, &f);
        /* a cheap node on top: readers then get tiles of the one cached transform */
        if (s == VFX_OK)
            s = vfx_image_crop(f, VFX_RECT_INFINITE, out);
        vfx_image_unref(f);
    }
    vfx_spec_clear(&spec);
    return s;
}

vfx_status
vfx_image_fft(vfx_image *in, vfx_image **out)
{
    return fft_new(in, F_FFT, out);
}

vfx_status
vfx_image_ifft(vfx_image *in, vfx_image **out)
{
    return fft_new(in, F_IFFT, out);
}

vfx_status
vfx_image_polar(vfx_image *in, vfx_image **out)
{
    return fft_new(in, F_POLAR, out);
}

vfx_status
vfx_image_unpolar(vfx_image *in, vfx_image **out)
{
    return fft_new(in, F_UNPOLAR, out);
}
