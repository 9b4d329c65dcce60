/* Pixel types and value conversion: every (source, destination) pair over known values with
 * exact expected results, through packed, strided, misaligned and negative-stride layouts,
 * both half paths; vfx_convert_image over padded interleaved blocks; names; errors. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_int.h"
#include "core/half_int.h"

static const vfx_pixel_type all_types[] = { VFX_PIXEL_U8,   VFX_PIXEL_U16, VFX_PIXEL_U32,
                                            VFX_PIXEL_HALF, VFX_PIXEL_F32, VFX_PIXEL_F64 };

/* One source value (its bits in the source type) and what each destination type must hold.
 * The expected values were computed independently with exact rational arithmetic (Python
 * fractions): integers round(x * max) with ties up after clamping to [0, 1] (NaN -> 0),
 * integer -> integer round(v * dst_max / src_max), float the correctly rounded v / max (u32
 * via double), half = OpenEXR half of that float. */
typedef struct conv_row {
    uint64_t src;
    uint8_t  u8;
    uint16_t u16;
    uint32_t u32;
    uint16_t half;
    uint32_t f32; /* bits */
    uint64_t f64; /* bits */
} conv_row;

static const conv_row rows_u8[] = {
    { 0x0u, 0u, 0u, 0u, 0x0000u, 0x00000000u, 0x0000000000000000u },
    { 0xffu, 255u, 65535u, 4294967295u, 0x3c00u, 0x3f800000u, 0x3ff0000000000000u },
    { 0x80u, 128u, 32896u, 2155905152u, 0x3804u, 0x3f008081u, 0x3fe0101010101010u },
    { 0x1u, 1u, 257u, 16843009u, 0x1c04u, 0x3b808081u, 0x3f70101010101010u },
    { 0x33u, 51u, 13107u, 858993459u, 0x3266u, 0x3e4ccccdu, 0x3fc999999999999au },
    { 0x7fu, 127u, 32639u, 2139062143u, 0x37f8u, 0x3efefeffu, 0x3fdfdfdfdfdfdfe0u },
};
static const conv_row rows_u16[] = {
    { 0x0u, 0u, 0u, 0u, 0x0000u, 0x00000000u, 0x0000000000000000u },
    { 0xffffu, 255u, 65535u, 4294967295u, 0x3c00u, 0x3f800000u, 0x3ff0000000000000u },
    { 0x8000u, 128u, 32768u, 2147516416u, 0x3800u, 0x3f000080u, 0x3fe0001000100010u },
    { 0x7fffu, 127u, 32767u, 2147450879u, 0x3800u, 0x3effff00u, 0x3fdfffdfffdfffe0u },
    { 0x181u, 1u, 385u, 25231745u, 0x1e04u, 0x3bc080c1u, 0x3f78101810181018u },
    { 0x182u, 2u, 386u, 25297282u, 0x1e08u, 0x3bc100c1u, 0x3f78201820182018u },
    { 0x3333u, 51u, 13107u, 858993459u, 0x3266u, 0x3e4ccccdu, 0x3fc999999999999au },
    { 0x101u, 1u, 257u, 16843009u, 0x1c04u, 0x3b808081u, 0x3f70101010101010u },
};
static const conv_row rows_u32[] = {
    { 0x0u, 0u, 0u, 0u, 0x0000u, 0x00000000u, 0x0000000000000000u },
    { 0xffffffffu, 255u, 65535u, 4294967295u, 0x3c00u, 0x3f800000u, 0x3ff0000000000000u },
    { 0x80000000u, 128u, 32768u, 2147483648u, 0x3800u, 0x3f000000u, 0x3fe0000000100000u },
    { 0x7fffffffu, 127u, 32767u, 2147483647u, 0x3800u, 0x3f000000u, 0x3fdfffffffe00000u },
    { 0x33333333u, 51u, 13107u, 858993459u, 0x3266u, 0x3e4ccccdu, 0x3fc999999999999au },
    { 0x1010101u, 1u, 257u, 16843009u, 0x1c04u, 0x3b808081u, 0x3f70101010101010u },
    { 0x808080u, 0u, 128u, 8421504u, 0x1804u, 0x3b008080u, 0x3f60101000101010u },
    { 0x808081u, 1u, 129u, 8421505u, 0x1804u, 0x3b008081u, 0x3f60101020101010u },
};
static const conv_row rows_half[] = {
    { 0x0u, 0u, 0u, 0u, 0x0000u, 0x00000000u, 0x0000000000000000u },
    { 0x8000u, 0u, 0u, 0u, 0x8000u, 0x80000000u, 0x8000000000000000u },
    { 0x3c00u, 255u, 65535u, 4294967295u, 0x3c00u, 0x3f800000u, 0x3ff0000000000000u },
    { 0x3800u, 128u, 32768u, 2147483648u, 0x3800u, 0x3f000000u, 0x3fe0000000000000u },
    { 0x4000u, 255u, 65535u, 4294967295u, 0x4000u, 0x40000000u, 0x4000000000000000u },
    { 0xb800u, 0u, 0u, 0u, 0xb800u, 0xbf000000u, 0xbfe0000000000000u },
    { 0x7e00u, 0u, 0u, 0u, 0x7e00u, 0x7fc00000u /* NaN */, 0x7ff8000000000000u /* NaN */ },
    { 0x7c00u, 255u, 65535u, 4294967295u, 0x7c00u, 0x7f800000u, 0x7ff0000000000000u },
    { 0xfc00u, 0u, 0u, 0u, 0xfc00u, 0xff800000u, 0xfff0000000000000u },
    { 0x1c04u, 1u, 257u, 16842752u, 0x1c04u, 0x3b808000u, 0x3f70100000000000u },
    { 0x1u, 0u, 0u, 256u, 0x0001u, 0x33800000u, 0x3e70000000000000u },
    { 0x7bffu, 255u, 65535u, 4294967295u, 0x7bffu, 0x477fe000u, 0x40effc0000000000u },
};
static const conv_row rows_f32[] = {
    { 0x0u, 0u, 0u, 0u, 0x0000u, 0x00000000u, 0x0000000000000000u },
    { 0x80000000u, 0u, 0u, 0u, 0x8000u, 0x80000000u, 0x8000000000000000u },
    { 0x3f800000u, 255u, 65535u, 4294967295u, 0x3c00u, 0x3f800000u, 0x3ff0000000000000u },
    { 0x3f000000u, 128u, 32768u, 2147483648u, 0x3800u, 0x3f000000u, 0x3fe0000000000000u },
    { 0x3fc00000u, 255u, 65535u, 4294967295u, 0x3e00u, 0x3fc00000u, 0x3ff8000000000000u },
    { 0xbe800000u, 0u, 0u, 0u, 0xb400u, 0xbe800000u, 0xbfd0000000000000u },
    { 0x7fc00000u, 0u, 0u, 0u, 0x7e00u, 0x7fc00000u /* NaN */, 0x7ff8000000000000u /* NaN */ },
    { 0x7f800000u, 255u, 65535u, 4294967295u, 0x7c00u, 0x7f800000u, 0x7ff0000000000000u },
    { 0xff800000u, 0u, 0u, 0u, 0xfc00u, 0xff800000u, 0xfff0000000000000u },
    { 0x47c35000u, 255u, 65535u, 4294967295u, 0x7c00u, 0x47c35000u, 0x40f86a0000000000u },
    { 0x3e4ccccdu, 51u, 13107u, 858993472u, 0x3266u, 0x3e4ccccdu, 0x3fc99999a0000000u },
    { 0x3b808081u, 1u, 257u, 16843010u, 0x1c04u, 0x3b808081u, 0x3f70101020000000u },
    { 0x3f7f7f80u, 255u, 65407u, 4286545919u, 0x3bfcu, 0x3f7f7f80u, 0x3fefeff000000000u },
    { 0x33000000u, 0u, 0u, 128u, 0x0000u, 0x33000000u, 0x3e60000000000000u },
    { 0x477ff000u, 255u, 65535u, 4294967295u, 0x7c00u, 0x477ff000u, 0x40effe0000000000u },
};
static const conv_row rows_f64[] = {
    { 0x0u, 0u, 0u, 0u, 0x0000u, 0x00000000u, 0x0000000000000000u },
    { 0x8000000000000000u, 0u, 0u, 0u, 0x8000u, 0x80000000u, 0x8000000000000000u },
    { 0x3ff0000000000000u, 255u, 65535u, 4294967295u, 0x3c00u, 0x3f800000u, 0x3ff0000000000000u },
    { 0x3fe0000000000000u, 128u, 32768u, 2147483648u, 0x3800u, 0x3f000000u, 0x3fe0000000000000u },
    { 0x3fd0000000000000u, 64u, 16384u, 1073741824u, 0x3400u, 0x3e800000u, 0x3fd0000000000000u },
    { 0x4000000000000000u, 255u, 65535u, 4294967295u, 0x4000u, 0x40000000u, 0x4000000000000000u },
    { 0xbff0000000000000u, 0u, 0u, 0u, 0xbc00u, 0xbf800000u, 0xbff0000000000000u },
    { 0x7ff8000000000000u, 0u, 0u, 0u, 0x7e00u, 0x7fc00000u /* NaN */, 0x7ff8000000000000u /* NaN */ },
    { 0x7e37e43c8800759cu, 255u, 65535u, 4294967295u, 0x7c00u, 0x7f800000u, 0x7e37e43c8800759cu },
    { 0xfe37e43c8800759cu, 0u, 0u, 0u, 0xfc00u, 0xff800000u, 0xfe37e43c8800759cu },
    { 0x1a56e1fc2f8f359u, 0u, 0u, 0u, 0x0000u, 0x00000000u, 0x01a56e1fc2f8f359u },
    { 0x3fc999999999999au, 51u, 13107u, 858993459u, 0x3266u, 0x3e4ccccdu, 0x3fc999999999999au },
    { 0x40effde000000000u, 255u, 65535u, 4294967295u, 0x7bffu, 0x477fef00u, 0x40effde000000000u },
    { 0x40effe0000000000u, 255u, 65535u, 4294967295u, 0x7c00u, 0x477ff000u, 0x40effe0000000000u },
    { 0x3fd5555555555555u, 85u, 21845u, 1431655765u, 0x3555u, 0x3eaaaaabu, 0x3fd5555555555555u },
    { 0x3fe0101010101010u, 128u, 32896u, 2155905152u, 0x3804u, 0x3f008081u, 0x3fe0101010101010u },
};

static const struct {
    const conv_row *rows;
    size_t          n;
} rows_of[] = {
    [VFX_PIXEL_U8] = { rows_u8, VFX__COUNTOF(rows_u8) },
    [VFX_PIXEL_U16] = { rows_u16, VFX__COUNTOF(rows_u16) },
    [VFX_PIXEL_U32] = { rows_u32, VFX__COUNTOF(rows_u32) },
    [VFX_PIXEL_HALF] = { rows_half, VFX__COUNTOF(rows_half) },
    [VFX_PIXEL_F32] = { rows_f32, VFX__COUNTOF(rows_f32) },
    [VFX_PIXEL_F64] = { rows_f64, VFX__COUNTOF(rows_f64) },
};

static void
store_bits(vfx_pixel_type t, unsigned char *p, uint64_t bits)
{
    uint8_t  a = (uint8_t) bits;
    uint16_t b = (uint16_t) bits;
    uint32_t c = (uint32_t) bits;
    switch (vfx_pixel_type_size(t)) {
    case 1: memcpy(p, &a, 1); break;
    case 2: memcpy(p, &b, 2); break;
    case 4: memcpy(p, &c, 4); break;
    default: memcpy(p, &bits, 8); break;
    }
}

static uint64_t
load_bits(vfx_pixel_type t, const unsigned char *p)
{
    uint8_t  a;
    uint16_t b;
    uint32_t c;
    uint64_t d;
    switch (vfx_pixel_type_size(t)) {
    case 1: memcpy(&a, p, 1); return a;
    case 2: memcpy(&b, p, 2); return b;
    case 4: memcpy(&c, p, 4); return c;
    default: memcpy(&d, p, 8); return d;
    }
}

static uint64_t
expected_bits(const conv_row *r, vfx_pixel_type t)
{
    switch (t) {
    case VFX_PIXEL_U8: return r->u8;
    case VFX_PIXEL_U16: return r->u16;
    case VFX_PIXEL_U32: return r->u32;
    case VFX_PIXEL_HALF: return r->half;
    case VFX_PIXEL_F32: return r->f32;
    default: return r->f64;
    }
}

/* NaN payloads of f32/f64 results come from the hardware's float <-> double conversion:
 * only NaN-ness is checked there. half NaNs are checked bit for bit. */
static int
is_nan_bits(vfx_pixel_type t, uint64_t bits)
{
    if (t == VFX_PIXEL_F32)
        return (bits & 0x7f800000u) == 0x7f800000u && (bits & 0x7fffffu) != 0;
    if (t == VFX_PIXEL_F64)
        return (bits & 0x7ff0000000000000u) == 0x7ff0000000000000u &&
               (bits & 0xfffffffffffffu) != 0;
    return 0;
}

static void
check_value(vfx_pixel_type s, vfx_pixel_type d, const conv_row *r, uint64_t got, size_t i)
{
    uint64_t want = expected_bits(r, d);
    if (is_nan_bits(d, want) ? !is_nan_bits(d, got) : got != want)
        fail_msg("%s 0x%llx -> %s (element %zu): got 0x%llx, want 0x%llx", vfx_pixel_type_name(s),
                 (unsigned long long) r->src, vfx_pixel_type_name(d), i,
                 (unsigned long long) got, (unsigned long long) want);
}

/* Convert n values laid out at the given strides (bytes; negative = backwards) and byte
 * misalignments, then check every value and that no byte between values was written. */
static void
run_layout(vfx_pixel_type s, vfx_pixel_type d, size_t n, ptrdiff_t s_stride, ptrdiff_t d_stride,
           size_t s_mis, size_t d_mis)
{
    const conv_row *rows = rows_of[s].rows;
    size_t          nr   = rows_of[s].n;
    size_t          ssz = vfx_pixel_type_size(s), dsz = vfx_pixel_type_size(d);
    size_t          s_span = (n - 1) * (size_t) llabs((long long) s_stride) + ssz;
    size_t          d_span = (n - 1) * (size_t) llabs((long long) d_stride) + dsz;
    unsigned char  *sbuf = aligned_alloc(64, (s_span + 64 + 63) / 64 * 64);
    unsigned char  *dbuf = aligned_alloc(64, (d_span + 64 + 63) / 64 * 64);
    unsigned char  *mask = calloc(d_span + 64, 1);
    assert_non_null(sbuf);
    assert_non_null(dbuf);
    assert_non_null(mask);
    memset(sbuf, 0xab, s_span + 64);
    memset(dbuf, 0xcd, d_span + 64);
    unsigned char *p = sbuf + 16 + s_mis + (s_stride < 0 ? s_span - ssz : 0);
    unsigned char *q = dbuf + 16 + d_mis + (d_stride < 0 ? d_span - dsz : 0);
    for (size_t i = 0; i < n; i++)
        store_bits(s, p + (ptrdiff_t) i * s_stride, rows[i % nr].src);
    assert_int_equal(VFX_OK, vfx_convert_values(p, s, s_stride, q, d, d_stride, n));
    for (size_t i = 0; i < n; i++) {
        unsigned char *e = q + (ptrdiff_t) i * d_stride;
        check_value(s, d, &rows[i % nr], load_bits(d, e), i);
        memset(mask + (e - dbuf), 1, dsz);
    }
    for (size_t k = 0; k < d_span + 64; k++)
        if (!mask[k] && dbuf[k] != 0xcd)
            fail_msg("%s -> %s: byte %zu outside the values was written", vfx_pixel_type_name(s),
                     vfx_pixel_type_name(d), k);
    free(sbuf);
    free(dbuf);
    free(mask);
}

static void
every_pair_every_layout(void **state)
{
    (void) state;
    for (int portable = 1; portable >= 0; portable--) {
        vfx__half_force_portable(portable);
        for (size_t a = 0; a < 6; a++)
            for (size_t b = 0; b < 6; b++) {
                vfx_pixel_type s = all_types[a], d = all_types[b];
                ptrdiff_t      ss = (ptrdiff_t) vfx_pixel_type_size(s);
                ptrdiff_t      ds = (ptrdiff_t) vfx_pixel_type_size(d);
                /* 1200 values: more than one 512-value chunk of the half paths, with a tail */
                for (size_t n = 1; n <= 1200; n += 1199) {
                    run_layout(s, d, n, ss, ds, 0, 0);                  /* packed */
                    run_layout(s, d, n, ss, ds, 1, 3);                  /* packed, misaligned */
                    run_layout(s, d, n, 3 * ss + 1, 2 * ds + 1, 0, 0);  /* odd strides */
                    run_layout(s, d, n, 4 * ss, 3 * ds, 0, 0);          /* one channel of many */
                    run_layout(s, d, n, -ss, -ds, 0, 0);                /* both backwards */
                    run_layout(s, d, n, -2 * ss, -ds, 1, 0);            /* backwards, padded */
                    run_layout(s, d, n, ss, -ds, 0, 0);                 /* reversing */
                    run_layout(s, d, n, -3 * ss, 2 * ds, 0, 1);         /* reversing, padded */
                }
            }
    }
    vfx__half_force_portable(0);
}

static void
zero_stride_broadcasts(void **state)
{
    (void) state;
    /* a stride of 0 on the source repeats one value (fills a row with a constant) */
    uint16_t one = 0x3c00;
    float    f[20];
    assert_int_equal(VFX_OK, vfx_convert_values(&one, VFX_PIXEL_HALF, 0, f, VFX_PIXEL_F32,
                                                sizeof(float), 20));
    for (int i = 0; i < 20; i++)
        assert_true(f[i] == 1.0f);
    uint8_t  v = 51;
    uint16_t h[20];
    assert_int_equal(VFX_OK, vfx_convert_values(&v, VFX_PIXEL_U8, 0, h, VFX_PIXEL_HALF, 2, 20));
    for (int i = 0; i < 20; i++)
        assert_int_equal(h[i], 0x3266);
}

static void
in_place_same_size(void **state)
{
    (void) state;
    /* same pointer, equal strides, equal-size types: allowed */
    enum { N = 1000 };
    static uint16_t buf[N];
    static uint32_t buf32[N];
    for (int portable = 1; portable >= 0; portable--) {
        vfx__half_force_portable(portable);
        for (int i = 0; i < N; i++)
            buf[i] = (uint16_t) (i * 65);
        assert_int_equal(VFX_OK, vfx_convert_values(buf, VFX_PIXEL_U16, 2, buf, VFX_PIXEL_HALF,
                                                    2, N));
        for (int i = 0; i < N; i++) {
            uint16_t want = vfx_float_to_half((float) (i * 65) / 65535.0f);
            assert_int_equal(buf[i], want);
        }
        assert_int_equal(VFX_OK, vfx_convert_values(buf, VFX_PIXEL_HALF, 2, buf, VFX_PIXEL_U16,
                                                    2, N));
        for (int i = 0; i < N; i++) /* half keeps 11 bits: u16 comes back within 16 */
            assert_true(abs((int) buf[i] - i * 65) <= 16);
        for (int i = 0; i < N; i++)
            buf32[i] = (uint32_t) i * 4294967u;
        assert_int_equal(VFX_OK, vfx_convert_values(buf32, VFX_PIXEL_U32, 4, buf32,
                                                    VFX_PIXEL_F32, 4, N));
        for (int i = 0; i < N; i++) {
            float f;
            memcpy(&f, &buf32[i], 4);
            assert_true(f == (float) ((double) ((uint32_t) i * 4294967u) / 4294967295.0));
        }
        /* same type, same pointer: unchanged */
        assert_int_equal(VFX_OK, vfx_convert_values(buf32, VFX_PIXEL_F32, 4, buf32,
                                                    VFX_PIXEL_F32, 4, N));
        float f;
        memcpy(&f, &buf32[N - 1], 4);
        assert_true(f == (float) ((double) ((uint32_t) (N - 1) * 4294967u) / 4294967295.0));
    }
    vfx__half_force_portable(0);
}

/* A 5 x 3 RGB u8 image with a padding byte per pixel and 4 bytes per row, into RGB float
 * pixels of 16 bytes (the 4th float untouched) with 8 bytes of row padding, top-down and
 * bottom-up. */
static void
convert_image_interleaved_padded(void **state)
{
    (void) state;
    enum { W = 5, H = 3, C = 3 };
    const ptrdiff_t sx = 4, sy = W * 4 + 4;
    const ptrdiff_t dx = 16, dy = W * 16 + 8;
    uint8_t         src[H * (W * 4 + 4)];
    memset(src, 0xee, sizeof src);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            for (int c = 0; c < C; c++)
                src[y * sy + x * sx + c] = (uint8_t) (y * 40 + x * 10 + c * 51);
    for (int flip = 0; flip <= 1; flip++) {
        unsigned char dst[H * (W * 16 + 8)];
        memset(dst, 0x5a, sizeof dst);
        unsigned char *q  = flip ? dst + (H - 1) * dy : dst;
        ptrdiff_t      qy = flip ? -dy : dy;
        assert_int_equal(VFX_OK, vfx_convert_image(src, VFX_PIXEL_U8, sx, sy, q, VFX_PIXEL_F32,
                                                   dx, qy, W, H, C));
        for (int y = 0; y < H; y++) {
            int ry = flip ? H - 1 - y : y; /* row in dst memory */
            for (int x = 0; x < W; x++) {
                for (int c = 0; c < C; c++) {
                    float f;
                    memcpy(&f, dst + ry * dy + x * dx + c * 4, 4);
                    assert_true(f == (float) (y * 40 + x * 10 + c * 51) / 255.0f);
                }
                for (int k = C * 4; k < 16; k++) /* the 4th channel slot */
                    assert_int_equal(dst[ry * dy + x * dx + k], 0x5a);
            }
            for (int k = W * 16; k < dy; k++) /* row padding */
                assert_int_equal(dst[ry * dy + k], 0x5a);
        }
    }
}

static void
convert_image_packed_block_and_rows(void **state)
{
    (void) state;
    enum { W = 7, H = 4, C = 4 };
    uint16_t half_px[H][W][C];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            for (int c = 0; c < C; c++)
                half_px[y][x][c] = vfx_float_to_half((float) (y * W * C + x * C + c) / 128.0f);
    /* packed both sides: one run over the whole block */
    float out[H][W][C];
    assert_int_equal(VFX_OK, vfx_convert_image(half_px, VFX_PIXEL_HALF, C * 2, W * C * 2, out,
                                               VFX_PIXEL_F32, C * 4, W * C * 4, W, H, C));
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            for (int c = 0; c < C; c++)
                assert_true(out[y][x][c] == (float) (y * W * C + x * C + c) / 128.0f);
    /* packed pixels, padded rows, converted back to u8 with clamping above 1 */
    uint8_t u8[H][W * C + 5];
    memset(u8, 0x77, sizeof u8);
    assert_int_equal(VFX_OK, vfx_convert_image(out, VFX_PIXEL_F32, C * 4, W * C * 4, u8,
                                               VFX_PIXEL_U8, C, W * C + 5, W, H, C));
    for (int y = 0; y < H; y++) {
        for (int i = 0; i < W * C; i++) {
            double v   = (double) (y * W * C + i) / 128.0;
            int    exp = v >= 1.0 ? 255 : (int) floor(v * 255.0 + 0.5);
            assert_int_equal(u8[y][i], exp);
        }
        for (int i = W * C; i < W * C + 5; i++)
            assert_int_equal(u8[y][i], 0x77);
    }
    /* channel subset: 2 of the 4 channels (x stride still the full pixel) */
    double two[H][W][2];
    assert_int_equal(VFX_OK, vfx_convert_image(&half_px[0][0][1], VFX_PIXEL_HALF, C * 2,
                                               W * C * 2, two, VFX_PIXEL_F64, 16, W * 16, W, H,
                                               2));
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            for (int c = 0; c < 2; c++)
                assert_true(two[y][x][c] == (double) (y * W * C + x * C + c + 1) / 128.0);
    /* empty sizes are a no-op, even with NULL buffers */
    assert_int_equal(VFX_OK, vfx_convert_image(NULL, VFX_PIXEL_U8, 1, 1, NULL, VFX_PIXEL_F32, 4,
                                               4, 0, 5, 1));
    assert_int_equal(VFX_OK, vfx_convert_image(NULL, VFX_PIXEL_U8, 1, 1, NULL, VFX_PIXEL_F32, 4,
                                               4, 5, 5, 0));
}

static void
convert_rejects_bad_arguments(void **state)
{
    (void) state;
    uint8_t a[4] = { 0 };
    float   f[4];
    vfx_error_clear();
    assert_int_equal(VFX_ERR_ARG, vfx_convert_values(a, VFX_PIXEL_UNKNOWN, 1, f, VFX_PIXEL_F32,
                                                     4, 4));
    assert_non_null(strstr(vfx_error_message(), "unknown source pixel type"));
    assert_int_equal(VFX_ERR_ARG,
                     vfx_convert_values(a, VFX_PIXEL_U8, 1, f, (vfx_pixel_type) 7, 4, 4));
    assert_non_null(strstr(vfx_error_message(), "unknown destination pixel type 7"));
    assert_int_equal(VFX_ERR_ARG,
                     vfx_convert_values(a, VFX_PIXEL_U8, 1, f, (vfx_pixel_type) -1, 4, 0));
    assert_int_equal(VFX_ERR_ARG, vfx_convert_values(NULL, VFX_PIXEL_U8, 1, f, VFX_PIXEL_F32, 4, 4));
    assert_non_null(strstr(vfx_error_message(), "NULL source"));
    assert_int_equal(VFX_ERR_ARG, vfx_convert_values(a, VFX_PIXEL_U8, 1, NULL, VFX_PIXEL_F32, 4, 4));
    assert_non_null(strstr(vfx_error_message(), "NULL destination"));
    assert_int_equal(VFX_OK, vfx_convert_values(NULL, VFX_PIXEL_U8, 1, NULL, VFX_PIXEL_F32, 4, 0));
    assert_int_equal(VFX_ERR_ARG, vfx_convert_image(a, VFX_PIXEL_U8, 1, 4, f, VFX_PIXEL_F32, 4,
                                                    16, -1, 1, 1));
    assert_non_null(strstr(vfx_error_message(), "negative size"));
    assert_int_equal(VFX_ERR_ARG, vfx_convert_image(a, VFX_PIXEL_U8, 1, 4, f, VFX_PIXEL_F32, 4,
                                                    16, 1, 1, -3));
    assert_int_equal(VFX_ERR_ARG, vfx_convert_image(a, VFX_PIXEL_F64 + 1, 1, 4, f, VFX_PIXEL_F32,
                                                    4, 16, 1, 1, 1));
    assert_int_equal(VFX_ERR_ARG, vfx_convert_image(a, VFX_PIXEL_U8, 1, 4, NULL, VFX_PIXEL_F32,
                                                    4, 16, 1, 1, 1));
    /* nothing was written by the failed calls */
    assert_int_equal(a[0], 0);
}

static void
type_names_sizes_round_trip(void **state)
{
    (void) state;
    static const struct {
        vfx_pixel_type t;
        const char    *name, *alias;
        size_t         size;
        int            is_float;
    } want[] = {
        { VFX_PIXEL_U8, "u8", "uint8", 1, 0 },       { VFX_PIXEL_U16, "u16", "uint16", 2, 0 },
        { VFX_PIXEL_U32, "u32", "uint32", 4, 0 },    { VFX_PIXEL_HALF, "half", "f16", 2, 1 },
        { VFX_PIXEL_F32, "float", "f32", 4, 1 },     { VFX_PIXEL_F64, "double", "f64", 8, 1 },
    };
    for (size_t i = 0; i < VFX__COUNTOF(want); i++) {
        assert_string_equal(vfx_pixel_type_name(want[i].t), want[i].name);
        assert_int_equal(vfx_pixel_type_from_name(want[i].name), want[i].t);
        assert_int_equal(vfx_pixel_type_from_name(want[i].alias), want[i].t);
        assert_int_equal(vfx_pixel_type_size(want[i].t), want[i].size);
        assert_int_equal(vfx_pixel_type_is_float(want[i].t), want[i].is_float);
        assert_int_equal(vfx_pixel_type_from_name(vfx_pixel_type_name(want[i].t)), want[i].t);
    }
    assert_int_equal(vfx_pixel_type_from_name("FLOAT"), VFX_PIXEL_F32);
    assert_int_equal(vfx_pixel_type_from_name("Half"), VFX_PIXEL_HALF);
    assert_int_equal(vfx_pixel_type_from_name("UINT16"), VFX_PIXEL_U16);
    static const char *bad[] = { "", "unknown", "u", "u80", "floa", "floats", "int8", "f", "f8",
                                 " half", "half " };
    for (size_t i = 0; i < VFX__COUNTOF(bad); i++)
        assert_int_equal(vfx_pixel_type_from_name(bad[i]), VFX_PIXEL_UNKNOWN);
    assert_int_equal(vfx_pixel_type_from_name(NULL), VFX_PIXEL_UNKNOWN);
    assert_string_equal(vfx_pixel_type_name(VFX_PIXEL_UNKNOWN), "unknown");
    assert_string_equal(vfx_pixel_type_name((vfx_pixel_type) 42), "unknown");
    assert_string_equal(vfx_pixel_type_name((vfx_pixel_type) -3), "unknown");
    assert_int_equal(vfx_pixel_type_size(VFX_PIXEL_UNKNOWN), 0);
    assert_int_equal(vfx_pixel_type_size((vfx_pixel_type) 42), 0);
    assert_int_equal(vfx_pixel_type_is_float(VFX_PIXEL_UNKNOWN), 0);
}

/* vfx__interleave_u16 / vfx__deinterleave_u16: every channel count the EXR paths use (the
 * SSE2 RGBA case and the plain loop), lengths around the 8-pixel step, unaligned starts; each
 * value marks its pixel and channel, so any misplaced move shows. */
static void
interleave_u16_moves_every_value(void **state)
{
    (void) state;
    enum { MAXPIX = 43, MAXCH = 6 };
    uint16_t  planes[MAXCH][MAXPIX + 2], back[MAXCH][MAXPIX + 2];
    uint16_t  inter[MAXCH * (MAXPIX + 1) + 1];
    for (int32_t nc = 1; nc <= MAXCH; nc++) {
        for (size_t n = 0; n <= MAXPIX; n++) {
            for (size_t skew = 0; skew < 2; skew++) { /* skew: 2-byte-misaligned starts */
                const uint16_t *src[MAXCH];
                uint16_t       *dst[MAXCH];
                for (int32_t k = 0; k < nc; k++) {
                    for (size_t i = 0; i < MAXPIX + 2; i++)
                        planes[k][i] = (uint16_t) (k * 1000 + (int32_t) i);
                    memset(back[k], 0xff, sizeof back[k]);
                    src[k] = planes[k] + skew;
                    dst[k] = back[k] + skew;
                }
                memset(inter, 0xff, sizeof inter);
                vfx__interleave_u16(src, nc, inter + skew, n);
                for (size_t i = 0; i < n; i++)
                    for (int32_t k = 0; k < nc; k++)
                        assert_int_equal(inter[skew + i * (size_t) nc + (size_t) k],
                                         k * 1000 + (int32_t) (i + skew));
                /* nothing past the end */
                assert_int_equal(inter[skew + n * (size_t) nc], 0xffff);
                vfx__deinterleave_u16(inter + skew, nc, dst, n);
                for (int32_t k = 0; k < nc; k++) {
                    for (size_t i = 0; i < n; i++)
                        assert_int_equal(back[k][skew + i], planes[k][skew + i]);
                    assert_int_equal(back[k][skew + n], 0xffff);
                }
            }
        }
    }
}

/* f32 -> u8 has a fast float path (format.c kernel_f32_u8) that must give exactly the rule's
 * results: round(clamp(v, 0, 1) * 255) with ties up, NaN -> 0, computed here in double as the
 * reference. Inputs: every float within 300 ulps of each rounding boundary (2k - 1) / 510 and of
 * each k / 255, a sweep over all floats in [0, 1] (every 997th bit pattern), out-of-range and
 * special values; packed through vfx_convert_values at offsets that move the 16-value blocks. */
static uint8_t
ref_f32_u8(float v)
{
    double s = (double) v * 255.0 + 0.5;
    s = s >= 0.0 ? s : 0.0;
    return (uint8_t) (s <= 255.0 ? s : 255.0);
}

static float
float_of_bits(uint32_t b)
{
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

static uint32_t
bits_of_float(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}

static void
check_f32_u8_block(const float *v, size_t n, size_t *n_checked)
{
    static uint8_t out[4096 + 64];
    for (size_t skew = 0; skew < 3; skew++) { /* 0: whole blocks; 1, 2: blocks shifted */
        size_t m = n - skew;
        memset(out, 0xaa, sizeof out);
        assert_int_equal(VFX_OK, vfx_convert_values(v + skew, VFX_PIXEL_F32, 4, out,
                                                     VFX_PIXEL_U8, 1, m));
        for (size_t i = 0; i < m; i++) {
            if (out[i] != ref_f32_u8(v[skew + i]))
                fail_msg("f32 %a (0x%08x) -> u8: got %u, want %u", (double) v[skew + i],
                         bits_of_float(v[skew + i]), out[i], ref_f32_u8(v[skew + i]));
        }
        assert_int_equal(out[m], 0xaa);
        *n_checked += m;
    }
}

static void
f32_to_u8_matches_exact_rule(void **state)
{
    (void) state;
    static float buf[4096];
    size_t       nb = 0, checked = 0;
#define PUSH(x)                                                                                  \
    do {                                                                                         \
        buf[nb++] = (x);                                                                         \
        if (nb == VFX__COUNTOF(buf)) {                                                           \
            check_f32_u8_block(buf, nb, &checked);                                               \
            nb = 0;                                                                              \
        }                                                                                        \
    } while (0)
    for (int k = 0; k <= 256; k++) {
        double centres[2] = { (2.0 * k - 1.0) / 510.0, k / 255.0 };
        for (int c = 0; c < 2; c++) {
            float f = (float) centres[c];
            if (!(f > 0.0f))
                f = 0.0f;
            uint32_t b = bits_of_float(f);
            for (int32_t d = -300; d <= 300; d++)
                if ((int64_t) b + d >= 0)
                    PUSH(float_of_bits((uint32_t) ((int64_t) b + d)));
        }
    }
    for (uint32_t b = 0; b <= 0x3f800000u; b += 997)
        PUSH(float_of_bits(b));
    const float special[] = { -0.0f, -1e-30f, -0.5f, -1.0f, 1.0f, 1.0000001f, 1.5f, 255.0f,
                              1e30f, 0x1p-149f, 0x1p-126f, 0.5f / 255.0f };
    for (size_t i = 0; i < VFX__COUNTOF(special); i++)
        PUSH(special[i]);
    PUSH(float_of_bits(0x7fc00000u)); /* NaN */
    PUSH(float_of_bits(0xffc00001u)); /* negative NaN */
    PUSH(float_of_bits(0x7f800000u)); /* +inf */
    PUSH(float_of_bits(0xff800000u)); /* -inf */
    while (nb % 37 != 5) /* a tail that is not a whole block */
        PUSH(0.25f);
    check_f32_u8_block(buf, nb, &checked);
#undef PUSH
    assert_true(checked > 1000000);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_pair_every_layout),
        cmocka_unit_test(zero_stride_broadcasts),
        cmocka_unit_test(in_place_same_size),
        cmocka_unit_test(convert_image_interleaved_padded),
        cmocka_unit_test(convert_image_packed_block_and_rows),
        cmocka_unit_test(convert_rejects_bad_arguments),
        cmocka_unit_test(type_names_sizes_round_trip),
        cmocka_unit_test(interleave_u16_moves_every_value),
        cmocka_unit_test(f32_to_u8_matches_exact_rule),
    };
    return cmocka_run_group_tests_name("core/format", tests, NULL, NULL);
}
