/* noise: uniform white noise, a pure function of (seed, x, y, channel) (pointwise generator),
 * so any tiling and any thread count give the same pixels. */
#include "ops/op_int.h"

typedef struct noise_params {
    uint64_t seed;
    float    lo, scale;
    int32_t  n_channels;
} noise_params;

static inline uint64_t
mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static void
noise_row(const vfx_node *n, const float *in, float *out, int32_t x, int32_t y, int32_t n_px)
{
    const noise_params *p = vfx__node_params(n);
    (void) in;
    int32_t nc = p->n_channels;
    uint64_t row = mix64(p->seed ^ ((uint64_t) (uint32_t) y * 0x9E3779B97F4A7C15u));
    for (int32_t i = 0; i < n_px; i++) {
        uint64_t px = row + (uint64_t) (uint32_t) (x + i) * 0xD1B54A32D192ED03u;
        float *q = out + (ptrdiff_t) i * nc;
        /* One 64-bit hash feeds two channels (24 bits each). */
        for (int32_t c = 0; c < nc; c += 2) {
            uint64_t h = mix64(px + (uint64_t) c * 0x9E3779B97F4A7C15u);
            q[c] = p->lo + p->scale * ((float) (h >> 40) * (1.0f / 16777216.0f));
            if (c + 1 < nc)
                q[c + 1] = p->lo + p->scale *
                                       ((float) ((h >> 16) & 0xFFFFFFu) * (1.0f / 16777216.0f));
        }
    }
}

const vfx_op_class vfx__op_noise = {
    sizeof(vfx_op_class), "noise", VFX_OP_POINTWISE, sizeof(noise_params),
    NULL, NULL, NULL, NULL, noise_row, NULL, NULL, NULL
};

vfx_status
vfx_image_noise(const vfx_spec *spec, uint64_t seed, float lo, float hi, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "noise: out is NULL");
    *out = NULL;
    int32_t nc;
    VFX_TRY(vfx__check_gen_spec(spec, &nc));
    if (!(hi >= lo))
        return vfx__fail(VFX_ERR_ARG, "noise: hi < lo");
    noise_params p = { seed, lo, hi - lo, nc };
    return vfx__node_new(&vfx__op_noise, &p, sizeof p, NULL, 0, spec, out);
}
