/* Pixel types and value conversion. One scalar formula per (source, destination) pair; a
 * kernel runs it over packed, aligned arrays (so the compiler vectorises) or over any byte
 * strides, with the same results either way. half goes through float in chunks so the bulk
 * F16C path applies. No allocation. */
#include <inttypes.h>
#include <string.h>

#include "core/core_int.h"
#include "core/half_int.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- names and sizes ----------------------------------------------------------------------- */

static const struct {
    const char *name, *alias;
    size_t      size;
} type_info[] = {
    [VFX_PIXEL_UNKNOWN] = { "unknown", NULL, 0 },  [VFX_PIXEL_U8] = { "u8", "uint8", 1 },
    [VFX_PIXEL_U16] = { "u16", "uint16", 2 },      [VFX_PIXEL_U32] = { "u32", "uint32", 4 },
    [VFX_PIXEL_HALF] = { "half", "f16", 2 },       [VFX_PIXEL_F32] = { "float", "f32", 4 },
    [VFX_PIXEL_F64] = { "double", "f64", 8 },
};

static int
type_valid(vfx_pixel_type t)
{
    return t >= VFX_PIXEL_U8 && t <= VFX_PIXEL_F64;
}

size_t
vfx_pixel_type_size(vfx_pixel_type t)
{
    return type_valid(t) ? type_info[t].size : 0;
}

const char *
vfx_pixel_type_name(vfx_pixel_type t)
{
    return type_valid(t) ? type_info[t].name : "unknown";
}

static int
ascii_iequal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char ca = (*a >= 'A' && *a <= 'Z') ? (char) (*a - 'A' + 'a') : *a;
        if (ca != *b)
            return 0;
    }
    return *a == *b;
}

vfx_pixel_type
vfx_pixel_type_from_name(const char *name)
{
    if (!name)
        return VFX_PIXEL_UNKNOWN;
    /* case-insensitive, so "FLOAT" or "Half" typed on a command line work too */
    for (int t = VFX_PIXEL_U8; t <= VFX_PIXEL_F64; t++)
        if (ascii_iequal(name, type_info[t].name) || ascii_iequal(name, type_info[t].alias))
            return (vfx_pixel_type) t;
    return VFX_PIXEL_UNKNOWN;
}

int
vfx_pixel_type_is_float(vfx_pixel_type t)
{
    return t == VFX_PIXEL_HALF || t == VFX_PIXEL_F32 || t == VFX_PIXEL_F64;
}

/* ---- scalar formulas ------------------------------------------------------------------------ */

typedef uint8_t  u8_t;
typedef uint16_t u16_t;
typedef uint32_t u32_t;
typedef float    f32_t;
typedef double   f64_t;

/* f in [0, 1] -> round(f * max) with ties up; NaN and below 0 -> 0, above 1 -> max. Done in
 * double, where f * max + 0.5 is exact for u8 and u16 (so the rounding is exact too). */
static inline double
scale_round(double f, double max)
{
    double s = f * max + 0.5;
    s = s >= 0.0 ? s : 0.0; /* NaN compares false: 0 */
    return s <= max ? s : max;
}

static inline u16_t cv_u8_u16(u8_t v) { return (u16_t) (v * 257u); }
static inline u32_t cv_u8_u32(u8_t v) { return v * 16843009u; }
static inline f32_t cv_u8_f32(u8_t v) { return (float) v / 255.0f; }
static inline f64_t cv_u8_f64(u8_t v) { return (double) v / 255.0; }

/* narrowing integers: round(v / k) for an odd k (no ties) */
static inline u8_t  cv_u16_u8(u16_t v) { return (u8_t) ((v + 128u) / 257u); }
static inline u32_t cv_u16_u32(u16_t v) { return v * 65537u; }
static inline f32_t cv_u16_f32(u16_t v) { return (float) v / 65535.0f; }
static inline f64_t cv_u16_f64(u16_t v) { return (double) v / 65535.0; }

static inline u8_t  cv_u32_u8(u32_t v) { return (u8_t) (((uint64_t) v + 8421504u) / 16843009u); }
static inline u16_t cv_u32_u16(u32_t v) { return (u16_t) (((uint64_t) v + 32768u) / 65537u); }
static inline f32_t cv_u32_f32(u32_t v) { return (float) ((double) v / 4294967295.0); }
static inline f64_t cv_u32_f64(u32_t v) { return (double) v / 4294967295.0; }

static inline u8_t  cv_f32_u8(f32_t v) { return (u8_t) (int32_t) scale_round(v, 255.0); }
static inline u16_t cv_f32_u16(f32_t v) { return (u16_t) (int32_t) scale_round(v, 65535.0); }
static inline u32_t cv_f32_u32(f32_t v) { return (u32_t) scale_round(v, 4294967295.0); }
static inline f64_t cv_f32_f64(f32_t v) { return (double) v; }

static inline u8_t  cv_f64_u8(f64_t v) { return (u8_t) (int32_t) scale_round(v, 255.0); }
static inline u16_t cv_f64_u16(f64_t v) { return (u16_t) (int32_t) scale_round(v, 65535.0); }
static inline u32_t cv_f64_u32(f64_t v) { return (u32_t) scale_round(v, 4294967295.0); }
static inline f32_t cv_f64_f32(f64_t v) { return (float) v; }

/* ---- kernels ---------------------------------------------------------------------------------- */

typedef void (*kernel_fn)(const unsigned char *p, ptrdiff_t p_stride, unsigned char *q,
                          ptrdiff_t q_stride, size_t n);

static inline int
packed(const void *p, ptrdiff_t stride, size_t size)
{
    return stride == (ptrdiff_t) size && ((uintptr_t) p & (size - 1)) == 0;
}

/* Same-pointer in-place conversion (allowed for equal sizes) is fine in both loops: each
 * element is read before it is written, and no restrict lets the compiler assume otherwise. */
#define DEFINE_KERNEL(S, D)                                                                       \
    static void kernel_##S##_##D(const unsigned char *p, ptrdiff_t p_stride, unsigned char *q,   \
                                 ptrdiff_t q_stride, size_t n)                                   \
    {                                                                                            \
        if (packed(p, p_stride, sizeof(S##_t)) && packed(q, q_stride, sizeof(D##_t))) {          \
            const S##_t *a = (const S##_t *) (const void *) p;                                   \
            D##_t       *b = (D##_t *) (void *) q;                                               \
            for (size_t i = 0; i < n; i++)                                                       \
                b[i] = cv_##S##_##D(a[i]);                                                       \
            return;                                                                              \
        }                                                                                        \
        for (size_t i = 0; i < n; i++, p += p_stride, q += q_stride) {                           \
            S##_t v;                                                                             \
            memcpy(&v, p, sizeof v);                                                             \
            D##_t w = cv_##S##_##D(v);                                                           \
            memcpy(q, &w, sizeof w);                                                             \
        }                                                                                        \
    }

DEFINE_KERNEL(u8, u16)
DEFINE_KERNEL(u8, u32)
DEFINE_KERNEL(u8, f32)
DEFINE_KERNEL(u8, f64)
DEFINE_KERNEL(u16, u8)
DEFINE_KERNEL(u16, u32)
DEFINE_KERNEL(u16, f32)
DEFINE_KERNEL(u16, f64)
DEFINE_KERNEL(u32, u8)
DEFINE_KERNEL(u32, u16)
DEFINE_KERNEL(u32, f32)
DEFINE_KERNEL(u32, f64)
/* f32 -> u8 is the hot one (every 8-bit file written from the engine's floats). The exact
 * rule is round(clamp(v) * 255) with ties up, as scale_round() computes it in double. In float,
 * t = v * 255 + 0.5 carries at most 2^-16 of rounding error for v in [0, 1] (two roundings
 * below 256, 2^-17 each), so trunc(t) is already exact unless t lies within 2^-15 of an
 * integer. Such values are not rare (a resized or averaged 8-bit image is full of exact ties
 * (2k - 1) / 510), so four values holding one are redone in packed double, where v * 255 + 0.5
 * is exact, as in scale_round(). Clamping v first gives the same results as clamping t:
 * v <= 0 or NaN -> 0, v >= 1 -> 255. */
static void
kernel_f32_u8(const unsigned char *p, ptrdiff_t p_stride, unsigned char *q, ptrdiff_t q_stride,
              size_t n)
{
    size_t i = 0;
    if (!packed(p, p_stride, 4) || q_stride != 1) {
        for (; i < n; i++, p += p_stride, q += q_stride) {
            float v;
            memcpy(&v, p, sizeof v);
            *q = cv_f32_u8(v);
        }
        return;
    }
    const float *a = (const float *) (const void *) p;
#if defined(__SSE2__)
    const __m128 zero = _mm_setzero_ps(), one = _mm_set1_ps(1.0f), k255 = _mm_set1_ps(255.0f),
                 half = _mm_set1_ps(0.5f), lo = _mm_set1_ps(0x1p-15f),
                 hi = _mm_set1_ps(1.0f - 0x1p-15f);
    const __m128d k255d = _mm_set1_pd(255.0), halfd = _mm_set1_pd(0.5);
    for (; i + 16 <= n; i += 16) {
        __m128i r[4];
        for (int k = 0; k < 4; k++) {
            /* max(v, 0) gives 0 for NaN (the second operand wins when unordered) */
            __m128 v = _mm_min_ps(_mm_max_ps(_mm_loadu_ps(a + i + 4 * k), zero), one);
            __m128 t = _mm_add_ps(_mm_mul_ps(v, k255), half);
            r[k] = _mm_cvttps_epi32(t);
            __m128 frac = _mm_sub_ps(t, _mm_cvtepi32_ps(r[k])); /* exact */
            if (_mm_movemask_ps(_mm_or_ps(_mm_cmplt_ps(frac, lo), _mm_cmpgt_ps(frac, hi)))) {
                __m128d d0 = _mm_add_pd(_mm_mul_pd(_mm_cvtps_pd(v), k255d), halfd);
                __m128d d1 = _mm_add_pd(_mm_mul_pd(_mm_cvtps_pd(_mm_movehl_ps(v, v)), k255d),
                                        halfd);
                r[k] = _mm_unpacklo_epi64(_mm_cvttpd_epi32(d0), _mm_cvttpd_epi32(d1));
            }
        }
        __m128i w0 = _mm_packs_epi32(r[0], r[1]), w1 = _mm_packs_epi32(r[2], r[3]);
        _mm_storeu_si128((__m128i *) (void *) (q + i), _mm_packus_epi16(w0, w1));
    }
#endif
    for (; i < n; i++)
        q[i] = cv_f32_u8(a[i]);
}
DEFINE_KERNEL(f32, u16)
DEFINE_KERNEL(f32, u32)
DEFINE_KERNEL(f32, f64)
DEFINE_KERNEL(f64, u8)
DEFINE_KERNEL(f64, u16)
DEFINE_KERNEL(f64, u32)
DEFINE_KERNEL(f64, f32)

/* Same type: a plain copy, memcpy when both sides are packed. */
#define DEFINE_COPY(N)                                                                            \
    static void copy_##N(const unsigned char *p, ptrdiff_t p_stride, unsigned char *q,           \
                         ptrdiff_t q_stride, size_t n)                                           \
    {                                                                                            \
        if (p == q && p_stride == q_stride)                                                      \
            return;                                                                              \
        if (p_stride == N && q_stride == N) {                                                    \
            memcpy(q, p, n * N);                                                                 \
            return;                                                                              \
        }                                                                                        \
        for (size_t i = 0; i < n; i++, p += p_stride, q += q_stride)                             \
            memcpy(q, p, N);                                                                     \
    }

DEFINE_COPY(1)
DEFINE_COPY(2)
DEFINE_COPY(4)
DEFINE_COPY(8)

/* [src][dst] for the five non-half types; half is handled around it through f32. */
static const kernel_fn kernels[VFX_PIXEL_F64 + 1][VFX_PIXEL_F64 + 1] = {
    [VFX_PIXEL_U8] = { [VFX_PIXEL_U8] = copy_1, [VFX_PIXEL_U16] = kernel_u8_u16,
                       [VFX_PIXEL_U32] = kernel_u8_u32, [VFX_PIXEL_F32] = kernel_u8_f32,
                       [VFX_PIXEL_F64] = kernel_u8_f64 },
    [VFX_PIXEL_U16] = { [VFX_PIXEL_U8] = kernel_u16_u8, [VFX_PIXEL_U16] = copy_2,
                        [VFX_PIXEL_U32] = kernel_u16_u32, [VFX_PIXEL_F32] = kernel_u16_f32,
                        [VFX_PIXEL_F64] = kernel_u16_f64 },
    [VFX_PIXEL_U32] = { [VFX_PIXEL_U8] = kernel_u32_u8, [VFX_PIXEL_U16] = kernel_u32_u16,
                        [VFX_PIXEL_U32] = copy_4, [VFX_PIXEL_F32] = kernel_u32_f32,
                        [VFX_PIXEL_F64] = kernel_u32_f64 },
    [VFX_PIXEL_HALF] = { [VFX_PIXEL_HALF] = copy_2 },
    [VFX_PIXEL_F32] = { [VFX_PIXEL_U8] = kernel_f32_u8, [VFX_PIXEL_U16] = kernel_f32_u16,
                        [VFX_PIXEL_U32] = kernel_f32_u32, [VFX_PIXEL_F32] = copy_4,
                        [VFX_PIXEL_F64] = kernel_f32_f64 },
    [VFX_PIXEL_F64] = { [VFX_PIXEL_U8] = kernel_f64_u8, [VFX_PIXEL_U16] = kernel_f64_u16,
                        [VFX_PIXEL_U32] = kernel_f64_u32, [VFX_PIXEL_F32] = kernel_f64_f32,
                        [VFX_PIXEL_F64] = copy_8 },
};

/* ---- channel interleave ----------------------------------------------------------------------- */

/* RGBA is the case that matters (EXR beauty renders): eight pixels per step with SSE2 (x86-64
 * baseline), a 4 x 8 transpose of 16-bit lanes; everything else is a plain loop. */
void
vfx__interleave_u16(const uint16_t *const *planes, int32_t n_ch, uint16_t *dst, size_t n_pix)
{
    size_t i = 0;
    if (n_ch == 4) {
        const uint16_t *r = planes[0], *g = planes[1], *b = planes[2], *a = planes[3];
#if defined(__SSE2__)
        for (; i + 8 <= n_pix; i += 8) {
            __m128i vr = _mm_loadu_si128((const __m128i *) (const void *) (r + i));
            __m128i vg = _mm_loadu_si128((const __m128i *) (const void *) (g + i));
            __m128i vb = _mm_loadu_si128((const __m128i *) (const void *) (b + i));
            __m128i va = _mm_loadu_si128((const __m128i *) (const void *) (a + i));
            __m128i rg0 = _mm_unpacklo_epi16(vr, vg), rg1 = _mm_unpackhi_epi16(vr, vg);
            __m128i ba0 = _mm_unpacklo_epi16(vb, va), ba1 = _mm_unpackhi_epi16(vb, va);
            __m128i *q = (__m128i *) (void *) (dst + 4 * i);
            _mm_storeu_si128(q + 0, _mm_unpacklo_epi32(rg0, ba0));
            _mm_storeu_si128(q + 1, _mm_unpackhi_epi32(rg0, ba0));
            _mm_storeu_si128(q + 2, _mm_unpacklo_epi32(rg1, ba1));
            _mm_storeu_si128(q + 3, _mm_unpackhi_epi32(rg1, ba1));
        }
#endif
        for (; i < n_pix; i++) {
            dst[4 * i + 0] = r[i];
            dst[4 * i + 1] = g[i];
            dst[4 * i + 2] = b[i];
            dst[4 * i + 3] = a[i];
        }
        return;
    }
    size_t n = (size_t) n_ch;
    for (size_t k = 0; k < n; k++) {
        const uint16_t *p = planes[k];
        uint16_t       *q = dst + k;
        for (i = 0; i < n_pix; i++)
            q[i * n] = p[i];
    }
}

void
vfx__deinterleave_u16(const uint16_t *src, int32_t n_ch, uint16_t *const *planes, size_t n_pix)
{
    size_t i = 0;
    if (n_ch == 4) {
        uint16_t *r = planes[0], *g = planes[1], *b = planes[2], *a = planes[3];
#if defined(__SSE2__)
        for (; i + 8 <= n_pix; i += 8) {
            const __m128i *p = (const __m128i *) (const void *) (src + 4 * i);
            __m128i v0 = _mm_loadu_si128(p + 0), v1 = _mm_loadu_si128(p + 1);
            __m128i v2 = _mm_loadu_si128(p + 2), v3 = _mm_loadu_si128(p + 3);
            /* pixels 0,2 | 1,3 | 4,6 | 5,7 channel by channel, then four of each channel */
            __m128i t0 = _mm_unpacklo_epi16(v0, v1), t1 = _mm_unpackhi_epi16(v0, v1);
            __m128i t2 = _mm_unpacklo_epi16(v2, v3), t3 = _mm_unpackhi_epi16(v2, v3);
            __m128i u0 = _mm_unpacklo_epi16(t0, t1), u1 = _mm_unpackhi_epi16(t0, t1);
            __m128i u2 = _mm_unpacklo_epi16(t2, t3), u3 = _mm_unpackhi_epi16(t2, t3);
            _mm_storeu_si128((__m128i *) (void *) (r + i), _mm_unpacklo_epi64(u0, u2));
            _mm_storeu_si128((__m128i *) (void *) (g + i), _mm_unpackhi_epi64(u0, u2));
            _mm_storeu_si128((__m128i *) (void *) (b + i), _mm_unpacklo_epi64(u1, u3));
            _mm_storeu_si128((__m128i *) (void *) (a + i), _mm_unpackhi_epi64(u1, u3));
        }
#endif
        for (; i < n_pix; i++) {
            r[i] = src[4 * i + 0];
            g[i] = src[4 * i + 1];
            b[i] = src[4 * i + 2];
            a[i] = src[4 * i + 3];
        }
        return;
    }
    size_t n = (size_t) n_ch;
    for (size_t k = 0; k < n; k++) {
        const uint16_t *p = src + k;
        uint16_t       *q = planes[k];
        for (i = 0; i < n_pix; i++)
            q[i] = p[i * n];
    }
}

/* Values per chunk of the half paths: 3 KiB of stack. */
#define CHUNK 512

/* half -> anything: halves to floats in bulk (F16C when present), then f32 -> dst. */
static void
from_half(const unsigned char *p, ptrdiff_t p_stride, unsigned char *q, ptrdiff_t q_stride,
          size_t n, vfx_pixel_type dst_type)
{
    kernel_fn to_dst = kernels[VFX_PIXEL_F32][dst_type];
    uint16_t  hb[CHUNK];
    float     fb[CHUNK];
    while (n > 0) {
        size_t          k = n < CHUNK ? n : CHUNK;
        const uint16_t *h = hb;
        if (packed(p, p_stride, 2))
            h = (const uint16_t *) (const void *) p;
        else
            for (size_t i = 0; i < k; i++)
                memcpy(&hb[i], p + (ptrdiff_t) i * p_stride, 2);
        if (dst_type == VFX_PIXEL_F32 && packed(q, q_stride, 4)) {
            vfx_half_to_float_n(h, (float *) (void *) q, k);
        } else {
            vfx_half_to_float_n(h, fb, k);
            to_dst((const unsigned char *) fb, 4, q, q_stride, k);
        }
        p += (ptrdiff_t) k * p_stride;
        q += (ptrdiff_t) k * q_stride;
        n -= k;
    }
}

/* anything -> half: src -> f32, then floats to halves in bulk. */
static void
to_half(const unsigned char *p, ptrdiff_t p_stride, vfx_pixel_type src_type, unsigned char *q,
        ptrdiff_t q_stride, size_t n)
{
    kernel_fn to_f32 = kernels[src_type][VFX_PIXEL_F32];
    uint16_t  hb[CHUNK];
    float     fb[CHUNK];
    while (n > 0) {
        size_t       k = n < CHUNK ? n : CHUNK;
        const float *f = fb;
        if (src_type == VFX_PIXEL_F32 && packed(p, p_stride, 4))
            f = (const float *) (const void *) p;
        else
            to_f32(p, p_stride, (unsigned char *) fb, 4, k);
        if (packed(q, q_stride, 2)) {
            vfx_float_to_half_n(f, (uint16_t *) (void *) q, k);
        } else {
            vfx_float_to_half_n(f, hb, k);
            for (size_t i = 0; i < k; i++)
                memcpy(q + (ptrdiff_t) i * q_stride, &hb[i], 2);
        }
        p += (ptrdiff_t) k * p_stride;
        q += (ptrdiff_t) k * q_stride;
        n -= k;
    }
}

/* Types already checked, n > 0. */
static void
convert_run(const unsigned char *p, vfx_pixel_type src_type, ptrdiff_t p_stride, unsigned char *q,
            vfx_pixel_type dst_type, ptrdiff_t q_stride, size_t n)
{
    if (p_stride < 0 && q_stride < 0) {
        /* both run backwards (bottom-up buffers): walk the same pairs forwards instead, so the
         * packed fast paths apply */
        p += (ptrdiff_t) (n - 1) * p_stride;
        q += (ptrdiff_t) (n - 1) * q_stride;
        p_stride = -p_stride;
        q_stride = -q_stride;
    }
    if (src_type == VFX_PIXEL_HALF && dst_type != VFX_PIXEL_HALF)
        from_half(p, p_stride, q, q_stride, n, dst_type);
    else if (dst_type == VFX_PIXEL_HALF && src_type != VFX_PIXEL_HALF)
        to_half(p, p_stride, src_type, q, q_stride, n);
    else
        kernels[src_type][dst_type](p, p_stride, q, q_stride, n);
}

static vfx_status
check_types(vfx_pixel_type src_type, vfx_pixel_type dst_type)
{
    if (!type_valid(src_type))
        return vfx__fail(VFX_ERR_ARG, "convert: unknown source pixel type %d", (int) src_type);
    if (!type_valid(dst_type))
        return vfx__fail(VFX_ERR_ARG, "convert: unknown destination pixel type %d",
                         (int) dst_type);
    return VFX_OK;
}

vfx_status
vfx_convert_values(const void *src, vfx_pixel_type src_type, ptrdiff_t src_stride, void *dst,
                   vfx_pixel_type dst_type, ptrdiff_t dst_stride, size_t n)
{
    VFX_TRY(check_types(src_type, dst_type));
    if (n == 0)
        return VFX_OK;
    if (!src || !dst)
        return vfx__fail(VFX_ERR_ARG, "convert: NULL %s buffer", src ? "destination" : "source");
    convert_run(src, src_type, src_stride, dst, dst_type, dst_stride, n);
    return VFX_OK;
}

vfx_status
vfx_convert_image(const void *src, vfx_pixel_type src_type, ptrdiff_t src_x_stride,
                  ptrdiff_t src_y_stride, void *dst, vfx_pixel_type dst_type,
                  ptrdiff_t dst_x_stride, ptrdiff_t dst_y_stride, int32_t width, int32_t height,
                  int32_t n_channels)
{
    VFX_TRY(check_types(src_type, dst_type));
    if (width < 0 || height < 0 || n_channels < 0)
        return vfx__fail(VFX_ERR_ARG, "convert: negative size %" PRId32 " x %" PRId32 " x %" PRId32,
                         width, height, n_channels);
    if (width == 0 || height == 0 || n_channels == 0)
        return VFX_OK;
    if (!src || !dst)
        return vfx__fail(VFX_ERR_ARG, "convert: NULL %s buffer", src ? "destination" : "source");

    const unsigned char *p  = src;
    unsigned char       *q  = dst;
    ptrdiff_t            ss = (ptrdiff_t) vfx_pixel_type_size(src_type);
    ptrdiff_t            ds = (ptrdiff_t) vfx_pixel_type_size(dst_type);
    size_t               w = (size_t) width, h = (size_t) height, nc = (size_t) n_channels;

    if (src_x_stride == n_channels * ss && dst_x_stride == n_channels * ds) {
        /* packed pixels: a row is one run of values, and packed rows make one run in all */
        if (src_y_stride == width * src_x_stride && dst_y_stride == width * dst_x_stride) {
            convert_run(p, src_type, ss, q, dst_type, ds, w * h * nc);
            return VFX_OK;
        }
        for (size_t y = 0; y < h; y++, p += src_y_stride, q += dst_y_stride)
            convert_run(p, src_type, ss, q, dst_type, ds, w * nc);
        return VFX_OK;
    }
    /* padded pixels: one strided run per channel per row */
    for (size_t y = 0; y < h; y++, p += src_y_stride, q += dst_y_stride)
        for (size_t c = 0; c < nc; c++)
            convert_run(p + (ptrdiff_t) c * ss, src_type, src_x_stride, q + (ptrdiff_t) c * ds,
                        dst_type, dst_x_stride, w);
    return VFX_OK;
}
