/* Helpers for the WebP / AVIF / HEIF tests: patterns written through vfx, decodes compared
 * with the codec's own command-line decoder (dwebp, avifdec, heif-convert) through a PNG that
 * oiiotool dumps (img_ref.h), and damaged-file sweeps. */
#ifndef VFX_WHOLE_TEST_H
#define VFX_WHOLE_TEST_H

#include <unistd.h>

#include "img_ref.h"

/* "exact" for decodes compared through float: well under half a 16-bit code */
#define EXACT 1e-6

/** A smooth pattern with some detail: value of pixel (x, y) channel c in 0..1. Alpha (c == 3)
 *  has a fully transparent corner. */
static inline double
pattern(int32_t x, int32_t y, int32_t c, int32_t w, int32_t h)
{
    double u = (double) x / (w - 1), v = (double) y / (h - 1);
    switch (c) {
    case 0: return u;
    case 1: return 0.5 + 0.4 * sin(6.0 * v + 2.0 * u);
    case 2: return (1.0 - v) * 0.8 + ((x / 8 + y / 8) % 2) * 0.2;
    default: return x < w / 4 && y < h / 4 ? 0.0 : 0.25 + 0.75 * v;
    }
}

/** The pattern as packed float pixels of @p nc channels. Caller frees. */
static inline float *
pattern_f32(int32_t w, int32_t h, int32_t nc)
{
    float *p = malloc((size_t) w * (size_t) h * (size_t) nc * sizeof(float));
    for (int32_t y = 0; y < h; y++)
        for (int32_t x = 0; x < w; x++)
            for (int32_t c = 0; c < nc; c++)
                p[((size_t) y * (size_t) w + (size_t) x) * (size_t) nc + (size_t) c] =
                    (float) pattern(x, y, nc == 2 && c == 1 ? 3 : c, w, h);
    return p;
}

/** Quantise packed floats to the grid of @p type (u8: 255 steps, u16: 65535). */
static inline void
quantise(float *p, size_t n, vfx_pixel_type type)
{
    double m = type == VFX_PIXEL_U8 ? 255.0 : 65535.0;
    for (size_t i = 0; i < n; i++)
        p[i] = (float) (floor(p[i] * m + 0.5) / m);
}

/** Write @p px (packed float, @p names channels) to @p path with @p type channels, the
 *  compression string and level, and the attributes already in @p attrs (may be NULL), in
 *  strips of 13 rows. Returns the writer's status (message in vfx_error_message()). */
static inline vfx_status
write_image(const char *path, const char *names, vfx_pixel_type type, int32_t w, int32_t h,
            const float *px, const char *comp, int32_t level, const vfx_attrs *attrs)
{
    vfx_spec spec = VFX_SPEC_INIT;
    vfx_status s = vfx_spec_init_simple(&spec, w, h, names, type);
    if (s != VFX_OK)
        return s;
    if (attrs) {
        vfx_attrs_free(spec.attrs);
        spec.attrs = NULL;
        s = vfx_attrs_copy(attrs, &spec.attrs);
    }
    int32_t nc = vfx_channels_count(spec.channels);
    vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
    o.compression = comp;
    o.level = level;
    vfx_writer *wr = NULL;
    unlink(path);
    if (s == VFX_OK)
        s = vfx_writer_open(path, &spec, &o, &wr);
    for (int32_t y = 0; s == VFX_OK && y < h; y += 13) {
        int32_t y1 = y + 13 < h ? y + 13 : h;
        s = vfx_writer_write_rect(wr, (vfx_rect){ 0, y, w, y1 }, VFX_PIXEL_F32,
                                  px + (size_t) y * (size_t) w * (size_t) nc,
                                  (ptrdiff_t) (nc * 4), (ptrdiff_t) nc * 4 * w);
    }
    if (wr) {
        vfx_status c = vfx_writer_close(wr, s != VFX_OK);
        if (s == VFX_OK)
            s = c;
    }
    vfx_spec_clear(&spec);
    return s;
}

/** Read part @p part of @p path as packed float; *nc_out channels. Caller frees. */
static inline float *
read_all_f32(const char *path, int32_t part, int32_t *w_out, int32_t *h_out, int32_t *nc_out)
{
    vfx_reader *r = NULL;
    if (vfx_reader_open(path, NULL, &r) != VFX_OK) {
        fprintf(stderr, "%s: %s\n", path, vfx_error_message());
        return NULL;
    }
    float *buf = NULL;
    vfx_rect rc;
    vfx_status s = read_level_f32(r, part, 0, 0, &buf, &rc, nc_out);
    vfx_reader_close(r);
    if (s != VFX_OK) {
        fprintf(stderr, "%s: %s\n", path, vfx_error_message());
        return NULL;
    }
    *w_out = (int32_t) vfx_rect_width(rc);
    *h_out = (int32_t) vfx_rect_height(rc);
    return buf;
}

/** PSNR (dB) of @p a against @p b over n values in 0..1. */
static inline double
psnr(const float *a, const float *b, size_t n)
{
    double se = 0.0;
    for (size_t i = 0; i < n; i++)
        se += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
    return se == 0.0 ? 999.0 : 10.0 * log10((double) n / se);
}

/** Largest difference of vfx's decode of @p path (part 0) from the PNG @p ref_png (decoded
 *  by the codec's tool, dumped by oiiotool), in normalised units; -1 on a size or channel
 *  mismatch or failure. @p ref_channels limits the compared channels (0 = all). */
static inline double
max_diff_vs_png(const char *path, const char *ref_png, int32_t ref_channels)
{
    img_ref ref;
    if (img_ref_load(&ref, ref_png, 0, "--iconfig oiio:UnassociatedAlpha 1") != 0)
        return -1.0;
    int32_t w = 0, h = 0, nc = 0;
    float *a = read_all_f32(path, 0, &w, &h, &nc);
    double worst = -1.0;
    int32_t cmp = ref_channels > 0 ? ref_channels : nc;
    if (a && w == ref.w && h == ref.h && cmp <= ref.nc && cmp <= nc) {
        worst = 0.0;
        double m = ref.max > 0 ? ref.max : 1.0;
        for (size_t i = 0; i < (size_t) w * (size_t) h; i++)
            for (int32_t c = 0; c < cmp; c++) {
                double d = fabs((double) a[i * (size_t) nc + (size_t) c] -
                                ref.v[i * (size_t) ref.nc + (size_t) c] / m);
                worst = d > worst ? d : worst;
            }
    } else if (a) {
        fprintf(stderr, "%s: vfx %d x %d x %d, %s %d x %d x %d\n", path, w, h, nc, ref_png, ref.w,
                ref.h, ref.nc);
    }
    free(a);
    img_ref_free(&ref);
    return worst;
}

/** Cut @p path at many lengths and overwrite bytes: every open-and-read must fail cleanly
 *  (or, for overwritten bytes, may succeed) and never crash; truncations that fail must name
 *  the file. Returns the number of truncations that succeeded (they should be 0). */
static inline int
damage_sweep(const char *path, const char *name, const char *tag)
{
    size_t n = 0;
    uint8_t *data = test_read_file(path, &n);
    assert_non_null(data);
    int ok = 0;
    size_t step = n / 40 + 1;
    for (size_t k = 0; k < n; k += step) {
        vfx_reader *r = NULL;
        vfx_status s = vfx_reader_open_memory(data, k, name, NULL, &r);
        if (s == VFX_OK) {
            float *buf = NULL;
            vfx_rect rc;
            int32_t nc = 0;
            s = read_level_f32(r, 0, 0, 0, &buf, &rc, &nc);
            free(buf);
            vfx_reader_close(r);
        }
        if (s == VFX_OK)
            ok++;
        else if (!message_names(tag, name) && s != VFX_ERR_UNSUPPORTED)
            fail_msg("cut at %zu: message \"%s\" does not name %s", k, vfx_error_message(), name);
    }
    /* garbage in the middle: any status, no crash (ASan / UBSan watch) */
    for (size_t k = 16; k + 8 < n; k += step) {
        uint8_t *d = malloc(n);
        memcpy(d, data, n);
        for (size_t j = 0; j < 8; j++)
            d[k + j] ^= (uint8_t) (0x5a + j * 31);
        vfx_reader *r = NULL;
        if (vfx_reader_open_memory(d, n, name, NULL, &r) == VFX_OK) {
            float *buf = NULL;
            vfx_rect rc;
            int32_t nc = 0;
            (void) read_level_f32(r, 0, 0, 0, &buf, &rc, &nc);
            free(buf);
            vfx_reader_close(r);
        }
        free(d);
    }
    free(data);
    return ok;
}

/** A blob attribute. */
static inline void
set_blob_attr(vfx_attrs *a, const char *name, const char *type, const void *p, size_t n)
{
    vfx_attr_value v;
    v.type = VFX_ATTR_BLOB;
    v.u.blob.type_name = type;
    v.u.blob.data = p;
    v.u.blob.size = n;
    assert_int_equal(VFX_OK, vfx_attrs_set(a, name, &v));
}

/** A small big-endian EXIF block: IFD0 with Orientation = @p orient and Make "vfx". */
static inline size_t
make_exif(uint8_t *p, int orient)
{
    static const uint8_t t[] = {
        'M', 'M', 0, 42, 0, 0, 0, 8,                   /* header, IFD0 at 8 */
        0, 2,                                          /* two entries */
        0x01, 0x0f, 0, 2, 0, 0, 0, 4, 'v', 'f', 'x', 0, /* Make ASCII 4 "vfx" */
        0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 1, 0, 0,      /* Orientation SHORT = 1 */
        0, 0, 0, 0,                                    /* no next IFD */
    };
    memcpy(p, t, sizeof t);
    p[8 + 2 + 12 + 9] = (uint8_t) orient;
    return sizeof t;
}

/** Fill @p a with ICC (fake, 200 bytes), exif (Orientation 6) and XMP; returns the ICC. */
static inline const uint8_t *
add_metadata(vfx_attrs *a)
{
    static uint8_t icc[200], exif[64];
    for (size_t i = 0; i < sizeof icc; i++)
        icc[i] = (uint8_t) (i * 13 + 1);
    memcpy(icc + 36, "acsp", 4); /* looks like a profile to readers that peek */
    size_t n = make_exif(exif, 6);
    set_blob_attr(a, "ICCProfile", "icc", icc, sizeof icc);
    set_blob_attr(a, "exif", "exif", exif, n);
    assert_int_equal(VFX_OK, vfx_attrs_set_string(a, "XMP",
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/"
        "02/22-rdf-syntax-ns#\"><rdf:Description xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
        "<dc:format>vfx-test</dc:format></rdf:Description></rdf:RDF></x:xmpmeta>"));
    return icc;
}

/** Check that @p path carries the metadata of add_metadata() (ICC compared when @p icc). */
static inline void
check_metadata(const char *path, const uint8_t *icc)
{
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    const vfx_spec *sp = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    if (icc) {
        const vfx_attr_value *v = vfx_attrs_get(sp->attrs, "ICCProfile");
        assert_non_null(v);
        assert_int_equal(200, v->u.blob.size);
        assert_memory_equal(icc, v->u.blob.data, 200);
    }
    int32_t o = 0;
    assert_int_equal(VFX_OK, vfx_attrs_get_int(sp->attrs, "Orientation", &o));
    assert_int_equal(6, o);
    const char *s = NULL;
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "Make", &s));
    assert_string_equal("vfx", s);
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "XMP", &s));
    assert_non_null(strstr(s, "vfx-test"));
    vfx_reader_close(r);
}

#endif
