/* Deep merge: the samples of two deep images in one, as oiiotool --deepmerge does (OIIO's
 * ImageBufAlgo::deep_merge). Per pixel: both sample lists
 * together, sorted by (Z, ZBack); every volumetric sample (Z < ZBack) split at each other
 * sample's Z and ZBack that falls inside it; sorted again; samples covering exactly the
 * same depth range combined into one; then (occlusion culling, oiiotool's default) the
 * samples behind the first one whose A is 1 dropped. The splitting and combining follow OpenEXR's
 * "Interpreting OpenEXR Deep Pixels" (the Beer-Lambert model of a uniform volume):
 *  - split at fraction x of [Z, ZBack]: alpha' = 1 - (1 - alpha)^x, and each colour scaled by
 *    alpha' / alpha of its own alpha (by x when that alpha is 0; unchanged when it is 1);
 *  - combine two coincident samples: alpha = a1 + a2 - a1 a2; colours weighted by
 *    -log(1 - a) / a each, times alpha / (u1 + u2) (the mean, or the opaque one, when an
 *    alpha is 1).
 * Which alpha a channel goes with is OIIO's rule: A / AR / AG / AB (and names ending in them)
 * are alphas, X goes with AX when present, else with A; Z, ZBack and U32 channels are carried
 * from the front sample unchanged. The result holds the union of both data windows. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "io/deep_int.h"
#include "ops/op_int.h"

typedef struct merge_ctx {
    int32_t  nc, z, zb;
    int32_t  cull;     /* alpha channel to cull behind, or -1 */
    int32_t *alpha_of; /* per channel: its alpha channel, itself for alphas, -1 for none */
    uint32_t *buf;     /* samples x nc values (float bits or U32) */
    size_t    cap;     /* samples */
    uint32_t  n;
    const vfx_pixel_type *types;
} merge_ctx;

static float
getf(const merge_ctx *m, uint32_t s, int32_t c)
{
    float f;
    memcpy(&f, &m->buf[(size_t) s * (size_t) m->nc + (size_t) c], 4);
    return f;
}

/* Stored as the channel's type: half channels round here, as OIIO's deep data does. */
static void
setf(merge_ctx *m, uint32_t s, int32_t c, float v)
{
    if (m->types[c] == VFX_PIXEL_HALF)
        v = vfx_half_to_float(vfx_float_to_half(v));
    memcpy(&m->buf[(size_t) s * (size_t) m->nc + (size_t) c], &v, 4);
}

static vfx_status
reserve(merge_ctx *m, size_t n)
{
    if (n <= m->cap)
        return VFX_OK;
    size_t cap = VFX__MAX(n, m->cap * 2 + 8);
    uint32_t *p = vfx__realloc(m->buf, cap * (size_t) m->nc * sizeof *p);
    if (!p)
        return vfx__nomem();
    m->buf = p;
    m->cap = cap;
    return VFX_OK;
}

static float
clamp01(float v)
{
    return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
}

static int
before(const merge_ctx *m, uint32_t a, uint32_t b)
{
    float za = getf(m, a, m->z), zb = getf(m, b, m->z);
    if (za != zb)
        return za < zb;
    return getf(m, a, m->zb) < getf(m, b, m->zb);
}

/* stable insertion sort of whole samples by (Z, ZBack) */
static void
sort_samples(merge_ctx *m, uint32_t *tmp)
{
    size_t row = (size_t) m->nc;
    for (uint32_t s = 1; s < m->n; s++) {
        uint32_t j = s;
        if (!before(m, s, s - 1))
            continue;
        memcpy(tmp, &m->buf[s * row], row * 4);
        memcpy(&m->buf[(size_t) m->n * row], tmp, row * 4); /* scratch slot past the end */
        while (j > 0 && before(m, m->n, j - 1)) {
            memcpy(&m->buf[j * row], &m->buf[(j - 1) * row], row * 4);
            j--;
        }
        memcpy(&m->buf[j * row], tmp, row * 4);
    }
}

/* Split every sample whose open range (Z, ZBack) contains depth d. */
static vfx_status
split_at(merge_ctx *m, float d)
{
    size_t row = (size_t) m->nc;
    for (uint32_t s = 0; s < m->n; s++) {
        float zf = getf(m, s, m->z), zb = getf(m, s, m->zb);
        if (!(zf < d && d < zb))
            continue;
        VFX_TRY(reserve(m, (size_t) m->n + 2));
        memmove(&m->buf[(s + 1) * row], &m->buf[s * row], (m->n - s) * row * 4);
        m->n++;
        float x = (d - zf) / (zb - zf);
        /* colours first (they read their alpha before it changes), then the alphas */
        for (int pass = 0; pass < 2; pass++)
            for (int32_t c = 0; c < m->nc; c++) {
                int32_t ac = m->alpha_of[c];
                if (ac < 0 || (pass == 0) == (ac == c))
                    continue;
                float a = clamp01(getf(m, s, ac)), v = getf(m, s, c);
                float f1, f2; /* the front and back parts' share */
                if (a >= 1.0f) {
                    f1 = f2 = 1.0f;
                } else if (a <= 0.0f) {
                    f1 = x;
                    f2 = 1.0f - x;
                } else {
                    double l = log1p(-(double) a);
                    f1 = (float) (-expm1(x * l) / a);
                    f2 = (float) (-expm1((1.0 - x) * l) / a);
                }
                if (ac == c) { /* an alpha: its own new value */
                    setf(m, s, c, a >= 1.0f ? a : a * f1);
                    setf(m, s + 1, c, a >= 1.0f ? a : a * f2);
                } else {
                    setf(m, s, c, v * f1);
                    setf(m, s + 1, c, v * f2);
                }
            }
        setf(m, s, m->zb, d);
        setf(m, s + 1, m->z, d);
        s++; /* the back part starts at d: nothing more to split in it for this d */
    }
    return VFX_OK;
}

/* Combine neighbours covering the same [Z, ZBack]. */
static void
merge_overlaps(merge_ctx *m)
{
    size_t row = (size_t) m->nc;
    for (uint32_t s = 1; s < m->n; s++) {
        if (getf(m, s, m->z) != getf(m, s - 1, m->z) || getf(m, s, m->zb) != getf(m, s - 1, m->zb))
            continue;
        for (int pass = 0; pass < 2; pass++)
            for (int32_t c = 0; c < m->nc; c++) {
                int32_t ac = m->alpha_of[c];
                if (ac < 0 || (pass == 0) == (ac == c))
                    continue;
                float a1 = clamp01(getf(m, s - 1, ac)), a2 = clamp01(getf(m, s, ac));
                float am = a1 + a2 - a1 * a2;
                if (ac == c) {
                    setf(m, s - 1, c, am);
                    continue;
                }
                float c1 = getf(m, s - 1, c), c2 = getf(m, s, c), cm;
                if (a1 == 1.0f && a2 == 1.0f) {
                    cm = (c1 + c2) / 2.0f;
                } else if (a1 == 1.0f) {
                    cm = c1;
                } else if (a2 == 1.0f) {
                    cm = c2;
                } else {
                    /* weights -log(1 - a) / a, guarded where a is 0 (weight 1) */
                    float u1 = -log1pf(-a1), u2 = -log1pf(-a2);
                    float v1 = a1 > 0.0f ? u1 / a1 : 1.0f, v2 = a2 > 0.0f ? u2 / a2 : 1.0f;
                    float u = u1 + u2;
                    float w = u > 0.0f ? am / u : 1.0f;
                    cm = (c1 * v1 + c2 * v2) * w;
                }
                setf(m, s - 1, c, cm);
            }
        memmove(&m->buf[s * row], &m->buf[(s + 1) * row], (m->n - s - 1) * row * 4);
        m->n--;
        s--;
    }
}

/* Pixel (x, y) of a (mapped to a's channels) then b, merged into m. */
static vfx_status
merge_pixel(merge_ctx *m, const vfx_deep *a, const vfx_deep *b, const int32_t *b_of, int32_t x,
            int32_t y, uint32_t *tmp)
{
    m->n = 0;
    const vfx_deep *src[2] = { a, b };
    for (int k = 0; k < 2; k++) {
        const vfx_deep *d = src[k];
        if (!vfx_rect_contains_point(d->spec.data, x, y))
            continue;
        int64_t i = (int64_t) (y - d->spec.data.y0) * d->w + (x - d->spec.data.x0);
        uint32_t ns = d->counts[i];
        VFX_TRY(reserve(m, (size_t) m->n + ns + 2));
        for (uint32_t s = 0; s < ns; s++, m->n++)
            for (int32_t c = 0; c < m->nc; c++) {
                int32_t dc = k == 0 ? c : b_of[c];
                uint32_t v = d->data[dc][d->offsets[i] + s];
                if (d->types[dc] == VFX_PIXEL_U32 && m->types[c] != VFX_PIXEL_U32) {
                    float f = (float) v;
                    memcpy(&v, &f, 4);
                } else if (d->types[dc] != VFX_PIXEL_U32 && m->types[c] == VFX_PIXEL_U32) {
                    float f;
                    memcpy(&f, &v, 4);
                    v = f > 0.0f ? (f < 4294967295.0f ? (uint32_t) f : UINT32_MAX) : 0u;
                }
                m->buf[(size_t) m->n * (size_t) m->nc + (size_t) c] = v;
            }
    }
    if (m->n < 2 || m->z < 0)
        return VFX_OK;
    sort_samples(m, tmp);
    for (uint32_t s = 0; s < m->n; s++) {
        float zf = getf(m, s, m->z), zb = getf(m, s, m->zb);
        VFX_TRY(split_at(m, zf));
        VFX_TRY(split_at(m, zb));
    }
    sort_samples(m, tmp);
    merge_overlaps(m);
    if (m->cull >= 0) /* occlusion: nothing behind the first opaque sample */
        for (uint32_t s = 0; s < m->n; s++)
            if (getf(m, s, m->cull) >= 1.0f) {
                m->n = s + 1;
                break;
            }
    return VFX_OK;
}

static int
is_or_ends_with(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);
    return (n == k && !strcmp(name, suffix)) ||
           (n > k && name[n - k - 1] == '.' && !strcmp(name + n - k, suffix));
}

/* Who is whose alpha (m->nc, m->types, m->z, m->zb set): an alpha channel ("A", "*.A",
 * "AR", "AG", "AB", "Alpha") is its own; a colour channel "layer.X" takes "layer.AX" when
 * present, else "A"; Z, ZBack and integer channels have none (-1). */
static void
map_alphas(merge_ctx *m, const vfx_channels *ch)
{
    int32_t main_alpha = vfx_channels_find(ch, "A");
    for (int32_t c = 0; c < m->nc; c++) {
        vfx_channel_info ci;
        vfx_channels_get(ch, c, &ci);
        m->alpha_of[c] = -1;
        if (c == m->z || c == m->zb || m->types[c] == VFX_PIXEL_U32)
            continue;
        if (is_or_ends_with(ci.name, "A") || is_or_ends_with(ci.name, "AR") ||
            is_or_ends_with(ci.name, "AG") || is_or_ends_with(ci.name, "AB") ||
            is_or_ends_with(ci.name, "Alpha")) {
            m->alpha_of[c] = c;
            continue;
        }
        char want[300];
        const char *dot = strrchr(ci.name, '.');
        size_t plen = dot ? (size_t) (dot - ci.name) + 1 : 0;
        snprintf(want, sizeof want, "%.*sA%s", (int) plen, ci.name, ci.name + plen);
        for (int32_t i = 0; i < m->nc; i++) {
            vfx_channel_info cj;
            vfx_channels_get(ch, i, &cj);
            if (!strcasecmp(cj.name, want))
                m->alpha_of[c] = i;
        }
        if (m->alpha_of[c] < 0)
            m->alpha_of[c] = main_alpha;
    }
}

vfx_status
vfx_deep_merge(const vfx_deep *a, const vfx_deep *b, int occlusion_cull, vfx_deep **out)
{
    if (!a || !b || !out)
        return vfx__fail(VFX_ERR_ARG, "deepmerge: NULL argument");
    *out = NULL;
    int32_t nc = a->n_channels;
    if (b->n_channels != nc)
        return vfx__fail(VFX_ERR_ARG, "deepmerge: %d channels vs %d", (int) nc,
                         (int) b->n_channels);
    merge_ctx m;
    memset(&m, 0, sizeof m);
    m.nc = nc;
    m.types = a->types;
    int32_t *b_of = vfx__calloc((size_t) nc, sizeof *b_of);
    m.alpha_of = vfx__calloc((size_t) nc, sizeof *m.alpha_of);
    uint32_t *tmp = vfx__calloc((size_t) nc, sizeof *tmp);
    vfx_status s = b_of && m.alpha_of && tmp ? VFX_OK : vfx__nomem();
    const vfx_channels *ch = a->spec.channels;
    for (int32_t c = 0; s == VFX_OK && c < nc; c++) {
        vfx_channel_info ci;
        vfx_channels_get(ch, c, &ci);
        b_of[c] = vfx_channels_find(b->spec.channels, ci.name);
        if (b_of[c] < 0)
            s = vfx__fail(VFX_ERR_ARG, "deepmerge: channel '%s' is missing from the second image",
                          ci.name);
    }
    m.z = vfx_channels_find(ch, "Z");
    m.zb = vfx_channels_find(ch, "ZBack");
    if (m.zb < 0)
        m.zb = vfx_channels_find(ch, "Zback");
    if (m.zb < 0)
        m.zb = m.z;
    m.cull = occlusion_cull ? vfx_channels_find(ch, "A") : -1;
    if (s == VFX_OK)
        map_alphas(&m, ch);
    vfx_deep *d = NULL;
    if (s == VFX_OK) {
        vfx_spec spec = VFX_SPEC_INIT;
        s = vfx_spec_copy(&spec, &a->spec);
        if (s == VFX_OK) {
            spec.data = vfx_rect_union(a->spec.data, b->spec.data);
            s = vfx__deep_new(&spec, &d);
        }
        vfx_spec_clear(&spec);
    }
    if (s == VFX_OK)
        memcpy(d->types, a->types, (size_t) nc * sizeof *d->types);
    /* pass 1: counts; pass 2: the samples */
    for (int pass = 0; s == VFX_OK && pass < 2; pass++) {
        if (pass == 1)
            s = vfx__deep_alloc_samples(d, 0);
        for (int32_t y = d->spec.data.y0; s == VFX_OK && y < d->spec.data.y1; y++)
            for (int32_t x = d->spec.data.x0; s == VFX_OK && x < d->spec.data.x1; x++) {
                s = merge_pixel(&m, a, b, b_of, x, y, tmp);
                int64_t i = (int64_t) (y - d->spec.data.y0) * d->w + (x - d->spec.data.x0);
                if (s != VFX_OK)
                    break;
                if (pass == 0) {
                    d->counts[i] = m.n;
                    continue;
                }
                for (uint32_t k = 0; k < m.n; k++)
                    for (int32_t c = 0; c < nc; c++)
                        d->data[c][d->offsets[i] + k] = m.buf[(size_t) k * (size_t) nc + (size_t) c];
            }
    }
    vfx__free(b_of);
    vfx__free(m.alpha_of);
    vfx__free(m.buf);
    vfx__free(tmp);
    if (s != VFX_OK) {
        vfx_deep_unref(d);
        return s;
    }
    *out = d;
    return VFX_OK;
}

/* ---- holdout ------------------------------------------------------------------------------ */

/* The depth where a holdout pixel becomes opaque (OIIO's DeepData::opaque_z): the ZBack of its
 * first sample, in stored order, whose alpha (A, else the mean of AR, AG, AB) is >= 1; the
 * nearest Z when it has no alpha; FLT_MAX when it has no samples, no Z, or never gets opaque. */
static float
opaque_z(const vfx_deep *h, int32_t x, int32_t y)
{
    if (!vfx_rect_contains_point(h->spec.data, x, y))
        return FLT_MAX;
    const vfx_channels *ch = h->spec.channels;
    int32_t z = vfx_channels_find(ch, "Z"), zb = vfx_channels_find(ch, "ZBack");
    if (zb < 0)
        zb = vfx_channels_find(ch, "Zback");
    if (zb < 0)
        zb = z;
    int32_t a = vfx_channels_find(ch, "A"), ar = vfx_channels_find(ch, "AR"),
            ag = vfx_channels_find(ch, "AG"), ab = vfx_channels_find(ch, "AB");
    if (ar < 0)
        ar = a;
    if (ag < 0)
        ag = a;
    if (ab < 0)
        ab = a;
    int64_t i = (int64_t) (y - h->spec.data.y0) * h->w + (x - h->spec.data.x0);
    uint32_t n = h->counts[i];
    if (n == 0 || z < 0)
        return FLT_MAX;
    if (ar < 0 || ag < 0 || ab < 0)
        return vfx__deep_get(h, i, z, 0);
    for (uint32_t s = 0; s < n; s++) {
        float alpha = a >= 0 ? vfx__deep_get(h, i, a, s)
                             : (vfx__deep_get(h, i, ar, s) + vfx__deep_get(h, i, ag, s) +
                                vfx__deep_get(h, i, ab, s)) / 3.0f;
        if (alpha >= 1.0f)
            return vfx__deep_get(h, i, zb, s);
    }
    return FLT_MAX;
}

/* Drop the (sorted) samples that start beyond depth d, or at d too when @p at_too. */
static void
cull_behind(merge_ctx *m, float d, int at_too)
{
    for (uint32_t s = 0; s < m->n; s++) {
        float z = getf(m, s, m->z);
        if (z > d || (at_too && z >= d)) {
            m->n = s;
            return;
        }
    }
}

vfx_status
vfx_deep_holdout(const vfx_deep *src, const vfx_deep *holdout, vfx_deep **out)
{
    if (!src || !holdout || !out)
        return vfx__fail(VFX_ERR_ARG, "deepholdout: NULL argument");
    *out = NULL;
    merge_ctx m;
    memset(&m, 0, sizeof m);
    m.nc = src->n_channels;
    m.types = src->types;
    m.cull = -1;
    m.alpha_of = vfx__calloc((size_t) m.nc, sizeof *m.alpha_of);
    uint32_t *tmp = vfx__calloc((size_t) m.nc, sizeof *tmp);
    vfx_status s = m.alpha_of && tmp ? VFX_OK : vfx__nomem();
    const vfx_channels *ch = src->spec.channels;
    m.z = vfx_channels_find(ch, "Z");
    m.zb = vfx_channels_find(ch, "ZBack");
    if (m.zb < 0)
        m.zb = vfx_channels_find(ch, "Zback");
    if (m.zb < 0)
        m.zb = m.z;
    if (s == VFX_OK && m.z < 0)
        s = vfx__fail(VFX_ERR_ARG, "deepholdout: the image has no Z channel");
    if (s == VFX_OK)
        map_alphas(&m, ch);
    vfx_deep *d = NULL;
    if (s == VFX_OK)
        s = vfx__deep_new(&src->spec, &d);
    if (s == VFX_OK)
        memcpy(d->types, src->types, (size_t) m.nc * sizeof *d->types);
    for (int pass = 0; s == VFX_OK && pass < 2; pass++) {
        if (pass == 1)
            s = vfx__deep_alloc_samples(d, 0);
        for (int32_t y = d->spec.data.y0; s == VFX_OK && y < d->spec.data.y1; y++)
            for (int32_t x = d->spec.data.x0; s == VFX_OK && x < d->spec.data.x1; x++) {
                int64_t i = (int64_t) (y - d->spec.data.y0) * d->w + (x - d->spec.data.x0);
                uint32_t ns = src->counts[i];
                s = reserve(&m, (size_t) ns + 4);
                if (s != VFX_OK)
                    break;
                m.n = ns;
                for (uint32_t k = 0; k < ns; k++)
                    for (int32_t c = 0; c < m.nc; c++)
                        m.buf[(size_t) k * (size_t) m.nc + (size_t) c] =
                            src->data[c][src->offsets[i] + k];
                float zh = opaque_z(holdout, x, y);
                if (zh < FLT_MAX && ns > 0) {
                    sort_samples(&m, tmp);
                    /* as oiiotool: samples starting beyond the opaque depth go; a volume
                     * across it is split there and its back part goes (a sample starting
                     * exactly there stays when nothing was split) */
                    cull_behind(&m, zh, 0);
                    uint32_t before_split = m.n;
                    s = split_at(&m, zh);
                    if (m.n != before_split)
                        cull_behind(&m, zh, 1);
                }
                if (pass == 0) {
                    d->counts[i] = m.n;
                    continue;
                }
                for (uint32_t k = 0; k < m.n; k++)
                    for (int32_t c = 0; c < m.nc; c++)
                        d->data[c][d->offsets[i] + k] =
                            m.buf[(size_t) k * (size_t) m.nc + (size_t) c];
            }
    }
    vfx__free(m.alpha_of);
    vfx__free(m.buf);
    vfx__free(tmp);
    if (s != VFX_OK) {
        vfx_deep_unref(d);
        return s;
    }
    *out = d;
    return VFX_OK;
}
