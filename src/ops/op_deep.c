/* Deep images as graph nodes, and the deep-only computations (stats).
 *
 * Two source ops over one vfx_deep (held by reference):
 *  - "deep": the image is still deep (vfx_image_deep() returns the data, so a deep-aware
 *    consumer such as the EXR writer can take the samples); a flat consumer that pulls pixels
 *    gets the flattening, so a deep input feeding any flat op is flattened automatically;
 *  - "flatten": the same pixels, but no longer deep (oiiotool --flatten).
 * Flattening is done per output tile on demand from the samples in memory.
 *
 * The flattening follows OpenImageIO 2.4's ImageBufAlgo::flatten, the reference users compare
 * with: per pixel the samples are sorted by Z (stable, then by ZBack), and accumulated front to
 * back, out += (1 - acc_alpha) * sample, stopping once the accumulated alpha reaches 1. R, G and
 * B use their own alphas (AR / AG / AB when present, else A); the others use the mean of the
 * three. Z and ZBack are not premultiplied: before a sample is added the accumulated depth is
 * scaled by the accumulated alpha, so a single sample keeps its depth and an empty pixel gets
 * 1e30. U32 channels take part as value / (2^32 - 1), as OIIO converts them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/deep_int.h"
#include "vfx/sink.h"
#include "ops/op_int.h"

typedef struct deep_params {
    vfx_deep *d;          /* owned reference */
    int32_t   a, ar, ag, ab, r, g, b, z, zb; /* channel indexes or -1 */
} deep_params;

static void
deep_free_params(void *params)
{
    deep_params *p = params;
    vfx_deep_unref(p->d);
    p->d = NULL;
}

static size_t
deep_scratch(const vfx_node *n, const vfx_rect *tile)
{
    const deep_params *p = vfx__node_params(n);
    (void) tile;
    return ((size_t) p->d->max_count + 1) * (sizeof(uint32_t) + 2 * sizeof(float)) +
           (size_t) p->d->n_channels * sizeof(float) + 64;
}

static float
chan_value(const vfx_deep *d, int64_t i, int32_t c, uint32_t s)
{
    uint32_t v = d->data[c][d->offsets[i] + s];
    if (d->types[c] == VFX_PIXEL_U32)
        return (float) ((double) v / 4294967295.0);
    float f;
    memcpy(&f, &v, sizeof f);
    return f;
}

/* Sort sample indexes of pixel i by (Z, ZBack), stable: insertion sort (deep pixels hold a
 * handful of samples; sorted input, the common case, costs one pass). */
static void
sort_samples(const deep_params *p, int64_t i, uint32_t n, uint32_t *idx, float *kz, float *kb)
{
    const vfx_deep *d = p->d;
    for (uint32_t s = 0; s < n; s++) {
        idx[s] = s;
        kz[s] = p->z >= 0 ? chan_value(d, i, p->z, s) : 0.0f;
        kb[s] = p->zb >= 0 ? chan_value(d, i, p->zb, s) : kz[s];
    }
    if (p->z < 0)
        return;
    for (uint32_t s = 1; s < n; s++) {
        uint32_t t = idx[s];
        float z = kz[t], b = kb[t];
        uint32_t j = s;
        while (j > 0 && (kz[idx[j - 1]] > z || (kz[idx[j - 1]] == z && kb[idx[j - 1]] > b))) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = t;
    }
}

static vfx_status
deep_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const deep_params *p = vfx__node_params(n);
    const vfx_deep *d = p->d;
    (void) in;
    int32_t nc = d->n_channels;
    if (p->a < 0 && (p->ar < 0 || p->ag < 0 || p->ab < 0))
        return vfx__fail(VFX_ERR_ARG, "flatten: the deep image has no alpha channel (A, or AR, "
                                      "AG and AB)");
    uint32_t *idx = scratch;
    float *kz = (float *) (idx + d->max_count + 1);
    float *kb = kz + d->max_count + 1;
    float *val = kb + d->max_count + 1;
    int32_t car = p->ar >= 0 ? p->ar : p->a, cag = p->ag >= 0 ? p->ag : p->a,
            cab = p->ab >= 0 ? p->ab : p->a;
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        float *q = vfx__tile_at(out, out->rect.x0, y);
        for (int32_t x = out->rect.x0; x < out->rect.x1; x++, q += nc) {
            int64_t i = (int64_t) (y - d->spec.data.y0) * d->w + (x - d->spec.data.x0);
            uint32_t ns = d->counts[i];
            memset(val, 0, (size_t) nc * sizeof(float));
            if (ns == 0) {
                if (p->z >= 0)
                    val[p->z] = 1.0e30f;
                if (p->zb >= 0)
                    val[p->zb] = 1.0e30f;
            }
            sort_samples(p, i, ns, idx, kz, kb);
            for (uint32_t k = 0; k < ns; k++) {
                float aR = val[car], aG = val[cag], aB = val[cab];
                float alpha = (aR + aG + aB) / 3.0f;
                if (alpha >= 1.0f)
                    break;
                for (int32_t c = 0; c < nc; c++) {
                    float v = chan_value(d, i, c, idx[k]);
                    if (c == p->z || c == p->zb)
                        val[c] *= alpha;
                    float a = c == p->r ? aR : c == p->g ? aG : c == p->b ? aB : alpha;
                    val[c] += (1.0f - a) * v;
                }
            }
            memcpy(q, val, (size_t) nc * sizeof(float));
        }
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_deep = {
    sizeof(vfx_op_class), "deep", 0, sizeof(deep_params), NULL, NULL, deep_render,
    deep_scratch, NULL, NULL, NULL, deep_free_params,
};

const vfx_op_class vfx__op_flatten = {
    sizeof(vfx_op_class), "flatten", 0, sizeof(deep_params), NULL, NULL, deep_render,
    deep_scratch, NULL, NULL, NULL, deep_free_params,
};

static vfx_status
make_node(const vfx_op_class *op, vfx_deep *d, vfx_image **out)
{
    if (!d || !out)
        return vfx__fail(VFX_ERR_ARG, "deep: NULL argument");
    *out = NULL;
    deep_params p;
    memset(&p, 0, sizeof p);
    const vfx_channels *ch = d->spec.channels;
    p.a = vfx_channels_find(ch, "A");
    p.ar = vfx_channels_find(ch, "AR");
    p.ag = vfx_channels_find(ch, "AG");
    p.ab = vfx_channels_find(ch, "AB");
    if (p.ar < 0)
        p.ar = vfx_channels_find(ch, "RA");
    if (p.ag < 0)
        p.ag = vfx_channels_find(ch, "GA");
    if (p.ab < 0)
        p.ab = vfx_channels_find(ch, "BA");
    p.r = vfx_channels_find(ch, "R");
    p.g = vfx_channels_find(ch, "G");
    p.b = vfx_channels_find(ch, "B");
    p.z = vfx_channels_find(ch, "Z");
    p.zb = vfx_channels_find(ch, "ZBack");
    if (p.zb < 0)
        p.zb = vfx_channels_find(ch, "Zback");
    /* a deep image without alpha (oiiotool --deepen makes them) stays deep; only its
     * flattening fails, as in oiiotool */
    if (p.a < 0 && (p.ar < 0 || p.ag < 0 || p.ab < 0) && op != &vfx__op_deep)
        return vfx__fail(VFX_ERR_ARG, "flatten: no alpha channel (A, or AR, AG and AB)");
    /* flat channel types: the file's, unless a U32 channel makes everything float (U32 values
     * are normalised while flattening, as OIIO does) */
    vfx_spec spec = VFX_SPEC_INIT;
    VFX_TRY(vfx_spec_copy(&spec, &d->spec));
    /* as oiiotool's flatten: the deep state and the ID manifest describe the samples */
    if (spec.attrs) {
        vfx_attrs_remove(spec.attrs, "openexr:deepImageState");
        vfx_attrs_remove(spec.attrs, "openexr:idManifest");
    }
    int any_u32 = 0;
    for (int32_t c = 0; c < d->n_channels; c++)
        any_u32 |= d->types[c] == VFX_PIXEL_U32;
    for (int32_t c = 0; any_u32 && c < d->n_channels; c++)
        vfx_channels_set_type(spec.channels, c, VFX_PIXEL_F32);
    p.d = vfx_deep_ref(d);
    vfx_status s = vfx__node_new(op, &p, sizeof p, NULL, 0, &spec, out);
    vfx_spec_clear(&spec);
    return s;
}

vfx_status
vfx_deep_flatten(vfx_deep *d, vfx_image **out)
{
    return make_node(&vfx__op_flatten, d, out);
}

vfx_status
vfx_deep_image(vfx_deep *d, vfx_image **out)
{
    return make_node(&vfx__op_deep, d, out);
}

vfx_deep *
vfx_image_deep(const vfx_image *im)
{
    if (!im || strcmp(vfx_image_op_name(im), "deep") != 0)
        return NULL;
    const deep_params *p = vfx__node_params(im);
    return p->d;
}

/* ---- statistics --------------------------------------------------------------------------- */

void
vfx_deep_stats_clear(vfx_deep_stats *s)
{
    if (!s)
        return;
    vfx__free(s->min);
    vfx__free(s->max);
    vfx__free(s->sum);
    vfx__free(s->sum2);
    vfx__free(s->nan_count);
    vfx__free(s->inf_count);
    vfx__free(s->finite_count);
    vfx__free(s->histogram);
    memset(s, 0, sizeof *s);
}

vfx_status
vfx_deep_compute_stats(const vfx_deep *d, vfx_deep_stats *st)
{
    if (!d || !st)
        return vfx__fail(VFX_ERR_ARG, "deep stats: NULL argument");
    memset(st, 0, sizeof *st);
    int32_t nc = d->n_channels;
    size_t  k = (size_t) nc;
    st->n_channels = nc;
    st->min = vfx__alloc(k * sizeof(double));
    st->max = vfx__alloc(k * sizeof(double));
    st->sum = vfx__calloc(k, sizeof(double));
    st->sum2 = vfx__calloc(k, sizeof(double));
    st->nan_count = vfx__calloc(k, sizeof(int64_t));
    st->inf_count = vfx__calloc(k, sizeof(int64_t));
    st->finite_count = vfx__calloc(k, sizeof(int64_t));
    st->histogram = vfx__calloc((size_t) d->max_count + 1, sizeof(int64_t));
    if (!st->min || !st->max || !st->sum || !st->sum2 || !st->nan_count || !st->inf_count ||
        !st->finite_count || !st->histogram) {
        vfx_deep_stats_clear(st);
        return vfx__nomem();
    }
    for (int32_t c = 0; c < nc; c++) {
        st->min[c] = INFINITY;
        st->max[c] = -INFINITY;
    }
    int64_t n = (int64_t) d->w * d->h;
    st->pixels = n;
    st->total_samples = d->total;
    st->min_samples = n ? UINT32_MAX : 0;
    st->max_samples = d->max_count;
    int32_t z = vfx_channels_find(d->spec.channels, "Z");
    st->min_z = INFINITY;
    st->max_z = -INFINITY;
    for (int64_t i = 0; i < n; i++) {
        uint32_t ns = d->counts[i];
        int32_t x = d->spec.data.x0 + (int32_t) (i % d->w);
        int32_t y = d->spec.data.y0 + (int32_t) (i / d->w);
        st->histogram[ns]++;
        if (ns < st->min_samples)
            st->min_samples = ns;
        if (ns == d->max_count) {
            if (st->n_at_max++ == 0) {
                st->max_x = x;
                st->max_y = y;
            }
        }
        if (ns)
            st->pixels_with_samples++;
        for (uint32_t s = 0; s < ns; s++) {
            for (int32_t c = 0; c < nc; c++) {
                double v = chan_value(d, i, c, s);
                if (isnan(v)) {
                    st->nan_count[c]++;
                    continue;
                }
                if (isinf(v)) {
                    st->inf_count[c]++;
                    continue;
                }
                st->finite_count[c]++;
                st->sum[c] += v;
                st->sum2[c] += v * v;
                if (v < st->min[c])
                    st->min[c] = v;
                if (v > st->max[c])
                    st->max[c] = v;
            }
            if (z >= 0) {
                float zv = chan_value(d, i, z, s);
                st->has_z = 1;
                if (zv < st->min_z) {
                    st->min_z = zv;
                    st->min_z_x = x;
                    st->min_z_y = y;
                }
                if (zv > st->max_z) {
                    st->max_z = zv;
                    st->max_z_x = x;
                    st->max_z_y = y;
                }
            }
        }
    }
    return VFX_OK;
}

/* Flat -> deep, as OpenImageIO 2.4's ImageBufAlgo::deepen (oiiotool --deepen): a pixel gets one
 * sample when any channel other than Z and Zback is nonzero, or (when the image has a Z
 * channel) when its Z or Zback is nonzero and below 1e30 (the depth of an empty pixel); other
 * pixels get none. Without a Z channel one is appended
 * with the value @p z for every sample. The flat image is rendered once, whole, into a float
 * buffer; its size is checked against the deep sample limit first. */
vfx_status
vfx_deep_deepen(vfx_image *flat, float z, vfx_deep **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "deepen: no output");
    *out = NULL;
    if (!flat)
        return vfx__fail(VFX_ERR_ARG, "deepen: no image");
    const vfx_spec *sp = vfx_image_spec(flat);
    vfx_rect        r = sp->data;
    if (vfx_rect_is_infinite(r) || vfx_rect_is_empty(r))
        return vfx__fail(VFX_ERR_ARG, "deepen: the image has no finite data window");
    int32_t nc = vfx_channels_count(sp->channels);
    int32_t zc = vfx_channels_find(sp->channels, "Z");
    int32_t zbc = -1; /* OIIO 2.4 only knows the back depth by the name "Zback": a "ZBack"
                       * channel counts as an ordinary one (oiiotool gives a sample where it
                       * is 1e30, as in an empty pixel of a flattened volume) */
    for (int32_t c = 0; c < nc; c++) {
        vfx_channel_info ci;
        if (vfx_channels_get(sp->channels, c, &ci) == VFX_OK && strcmp(ci.name, "Zback") == 0)
            zbc = c;
    }
    int     add_z = zc < 0;
    int32_t nd = nc + add_z;
    int64_t w = vfx_rect_width(r), h = vfx_rect_height(r);
    if (nc < 1 || w * h > vfx_max_pixels() || w * h > VFX_DEEP_DEFAULT_MAX_VALUES / nd)
        return vfx__fail(VFX_ERR_LIMIT, "deepen: %lld x %lld pixels x %d channels is over the "
                         "deep sample limit", (long long) w, (long long) h, (int) nd);
    /* the deep channels: the flat ones (8- and 16-bit and half as half, others float, as
     * OpenEXR stores them), then Z when there was none */
    vfx_spec   ds = VFX_SPEC_INIT;
    vfx_status s = vfx_spec_copy(&ds, sp);
    for (int32_t c = 0; s == VFX_OK && c < nc; c++) {
        vfx_channel_info ci;
        s = vfx_channels_get(ds.channels, c, &ci);
        if (s == VFX_OK)
            s = vfx_channels_set_type(ds.channels, c,
                                      ci.type == VFX_PIXEL_U8 || ci.type == VFX_PIXEL_U16 ||
                                              ci.type == VFX_PIXEL_HALF
                                          ? VFX_PIXEL_HALF
                                          : VFX_PIXEL_F32);
    }
    if (s == VFX_OK && add_z)
        s = vfx_channels_add(ds.channels, "Z", VFX_PIXEL_F32, 1, 1);
    float    *buf = NULL;
    vfx_deep *d = NULL;
    if (s == VFX_OK) {
        buf = vfx__alloc((size_t) (w * h) * (size_t) nc * sizeof *buf);
        if (!buf)
            s = vfx__nomem();
    }
    if (s == VFX_OK)
        s = vfx_image_render(flat, r, buf, VFX_PIXEL_F32, (ptrdiff_t) nc * 4,
                             (ptrdiff_t) (w * nc * 4), nc, NULL);
    if (s == VFX_OK)
        s = vfx__deep_new(&ds, &d);
    for (int64_t i = 0; s == VFX_OK && i < w * h; i++) {
        const float *p = buf + i * nc;
        int          any = 0;
        for (int32_t c = 0; c < nc && !any; c++)
            any = c != zc && c != zbc && p[c] != 0.0f;
        if (!any && !add_z)
            any = (p[zc] != 0.0f && p[zc] < 1e30f) ||
                  (zbc >= 0 && p[zbc] != 0.0f && p[zbc] < 1e30f);
        d->counts[i] = any ? 1u : 0u;
    }
    if (s == VFX_OK)
        s = vfx__deep_alloc_samples(d, 0);
    for (int64_t i = 0; s == VFX_OK && i < w * h; i++) {
        if (!d->counts[i])
            continue;
        int64_t o = d->offsets[i];
        for (int32_t c = 0; c < nd; c++) {
            float v = c < nc ? buf[i * nc + c] : z;
            if (d->types[c] == VFX_PIXEL_HALF)
                v = vfx_half_to_float(vfx_float_to_half(v));
            memcpy(&d->data[c][o], &v, sizeof v);
        }
    }
    vfx__free(buf);
    vfx_spec_clear(&ds);
    if (s != VFX_OK) {
        vfx_deep_unref(d);
        return s;
    }
    *out = d;
    return VFX_OK;
}
