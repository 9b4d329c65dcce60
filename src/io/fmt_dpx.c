/* DPX (SMPTE 268M), written here: small and strict.
 *
 * File: a 2048-byte header in either byte order ("SDPX" big endian, "XPDS" little endian):
 * file information at 0, image information at 768 with up to 8 image elements of 72 bytes
 * from 780, orientation at 1408, film at 1664 and television at 1920 (the last three may be
 * cut short when the image data starts earlier), then uncompressed image data.
 *
 * Reading. Every image element of a supported kind is a part: descriptors 1, 2, 3, 4, 6 and 8
 * (one channel: R, G, B, A, Y, Z), 50 (R,G,B), 51 (R,G,B,A) and 52 (ABGR, handed out as
 * R,G,B,A); 8, 10, 12 and 16 bits; packing 0 (packed: a stream of samples from the least significant
 * bit up, in 32-bit words: OIIO's reading, checked against its files), 1 (method A: samples filled into 32-bit words (10-bit) or
 * 16-bit words (12-bit) with the padding in the low bits) and 2 (method B: padding in the high
 * bits); either byte order. Lines start on 32-bit boundaries (plus the end-of-line padding
 * the element declares). 8-bit data gives u8, 10/12/16-bit data u16 scaled to the full range
 * by bit replication ((v << 6) | (v >> 4) for 10 bits, as OIIO), with "BitsPerSample" telling
 * the stored depth (12-bit method A words too, where OIIO returns the 16-bit word as it is,
 * up to 15/65535 lower). Run-length encoded and signed elements are VFX_ERR_UNSUPPORTED.
 *
 * Access: lines are fixed-size and uncompressed, so any rows can be read directly with pread:
 * VFX_ACCESS_RANDOM_STRIPS of 32 rows, thread-safe without locks.
 *
 * Metadata (OIIO's names): "dpx:ImageDescriptor", "dpx:Transfer", "dpx:Colorimetric",
 * "dpx:Packing", "dpx:Version", "dpx:LowData", "dpx:HighData", "dpx:LowQuantity",
 * "dpx:HighQuantity", "Software" (creator), "DateTime", "DocumentName" (project),
 * "Copyright", "Orientation", "PixelAspectRatio", "dpx:InputDevice", film fields
 * ("dpx:FrameId", "dpx:SlateInfo", "dpx:FramePosition", "dpx:SequenceLength",
 * "dpx:HeldCount", "dpx:ShutterAngle", "smpte:KeyCode" from the film edge code), TV fields
 * ("smpte:TimeCode", "dpx:Interlace", "dpx:FieldNumber", "dpx:Gamma"), and
 * "FramesPerSecond". Undefined fields (all bits set) are left out.
 *
 * Writing: one element, big endian, 1 / 3 / 4 channels (luma / RGB / RGBA), 8, 10, 12 or 16
 * bits: "BitsPerSample" in the spec if it says 10 or 12, else 8 for u8 and 16 otherwise;
 * 10-bit RGB(A) uses packing method A; 12 bits and single-channel 10 bits are packed (as
 * OIIO writes them). Rows top to bottom, written in place (pwrite). The
 * metadata above is written back. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/fmt_util.h"

#define HEADER 2048
#define U32_UNDEF 0xFFFFFFFFu

/* ---- byte order --------------------------------------------------------------------------- */

static uint32_t
rd32(const uint8_t *p, int be)
{
    return be ? (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3]
              : (uint32_t) p[3] << 24 | (uint32_t) p[2] << 16 | (uint32_t) p[1] << 8 | p[0];
}

static uint32_t
rd16(const uint8_t *p, int be)
{
    return be ? (uint32_t) (p[0] << 8 | p[1]) : (uint32_t) (p[1] << 8 | p[0]);
}

static float
rdf(const uint8_t *p, int be)
{
    uint32_t u = rd32(p, be);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static void
wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 24);
    p[1] = (uint8_t) (v >> 16);
    p[2] = (uint8_t) (v >> 8);
    p[3] = (uint8_t) v;
}

static void
wr16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

static void
wrf(uint8_t *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    wr32(p, u);
}

/* ---- tables ------------------------------------------------------------------------------- */

static const char *const transfer_names[] = {
    "User defined",        "Printing density",      "Linear",
    "Logarithmic",         "Unspecified video",     "SMPTE 274M",
    "ITU-R 709-4",         "ITU-R 601-5 system B or G", "ITU-R 601-5 system M",
    "Composite video (NTSC)", "Composite video (PAL)", "Z (depth) - linear",
    "Z (depth) - homogeneous", "SMPTE ADX",
};

static const char *const packing_names[] = { "Packed", "Filled, method A", "Filled, method B" };

static const char *
descriptor_name(int d)
{
    switch (d) {
    case 1: return "Red";
    case 2: return "Green";
    case 3: return "Blue";
    case 4: return "Alpha";
    case 6: return "Luminance";
    case 8: return "Depth";
    case 50: return "RGB";
    case 51: return "RGBA";
    case 52: return "ABGR";
    default: return "Unknown";
    }
}

/* ---- reader ------------------------------------------------------------------------------- */

typedef struct dpx_el {
    int      index; /* element number in the file */
    int      desc, bits, packing, n_ch;
    int      map[4];     /* output channel k <- sample map[k] of a pixel */
    uint64_t offset;     /* of the first line */
    uint64_t row_bytes;  /* line stride, padding included */
} dpx_el;

typedef struct dpx_priv {
    int      be;
    int32_t  width, height;
    dpx_el   el[8];
    int      n_el; /* parts */
} dpx_priv;

static int
dpx_probe(const uint8_t *head, size_t n)
{
    if (n >= 4 && (memcmp(head, "SDPX", 4) == 0 || memcmp(head, "XPDS", 4) == 0))
        return 100;
    return 0;
}

/* Bytes of one line before padding. */
static int
line_bytes(int bits, int packing, uint64_t samples, uint64_t *out)
{
    uint64_t words;
    if (bits == 8)
        words = (samples + 3) / 4;
    else if (bits == 16)
        words = (samples + 1) / 2;
    else if (bits == 10 && packing != 0)
        words = (samples + 2) / 3;
    else if (bits == 12 && packing != 0)
        words = (samples + 1) / 2;
    else if (bits == 10 || bits == 12)
        words = (samples * (uint64_t) bits + 31) / 32;
    else
        return -1;
    *out = words * 4;
    return 0;
}

/* A string field: up to n bytes, stopping at NUL; all-0xFF or empty = absent. */
static vfx_status
set_str(vfx_attrs *a, const char *name, const uint8_t *p, size_t n)
{
    char buf[256];
    size_t k = 0;
    while (k < n && k < sizeof buf - 1 && p[k] != 0 && p[k] != 0xFF) {
        buf[k] = (char) (p[k] >= 32 && p[k] < 127 ? p[k] : '?');
        k++;
    }
    while (k > 0 && buf[k - 1] == ' ')
        k--;
    buf[k] = 0;
    return k > 0 ? vfx_attrs_set_string(a, name, buf) : VFX_OK;
}

static vfx_status
set_u32(vfx_attrs *a, const char *name, uint32_t v)
{
    return v == U32_UNDEF || v > INT32_MAX ? VFX_OK : vfx_attrs_set_int(a, name, (int32_t) v);
}

static vfx_status
set_f32(vfx_attrs *a, const char *name, float f)
{
    return isfinite(f) ? vfx_attrs_set_float(a, name, f) : VFX_OK;
}

static vfx_status
read_metadata(const uint8_t *h, size_t hn, int be, const uint8_t *e, vfx_attrs *a)
{
    char ver[9];
    memcpy(ver, h + 8, 8);
    ver[8] = 0;
    for (int i = 0; i < 8; i++)
        if (ver[i] != 0 && (ver[i] < 32 || ver[i] > 126))
            ver[i] = '?';
    VFX_TRY(vfx_attrs_set_string(a, "dpx:Version", ver));
    VFX_TRY(set_str(a, "Software", h + 160, 100));
    VFX_TRY(set_str(a, "DocumentName", h + 260, 200));
    VFX_TRY(set_str(a, "Copyright", h + 460, 200));
    /* "YYYY:MM:DD:hh:mm:ss..." -> "YYYY:MM:DD hh:mm:ss" */
    char ts[25];
    memcpy(ts, h + 136, 24);
    ts[24] = 0;
    if (strlen(ts) >= 19 && ts[10] == ':') {
        ts[10] = ' ';
        ts[19] = 0;
        VFX_TRY(vfx_attrs_set_string(a, "DateTime", ts));
    }
    static const int orient_map[8] = { 1, 2, 4, 3, 5, 8, 6, 7 };
    uint32_t o = rd16(h + 768, be);
    if (o < 8)
        VFX_TRY(vfx_attrs_set_int(a, "Orientation", orient_map[o]));
    int desc = e[20], tr = e[21], col = e[22], pk = (int) rd16(e + 24, be);
    VFX_TRY(vfx_attrs_set_string(a, "dpx:ImageDescriptor", descriptor_name(desc)));
    if (tr < (int) VFX__COUNTOF(transfer_names))
        VFX_TRY(vfx_attrs_set_string(a, "dpx:Transfer", transfer_names[tr]));
    if (col < (int) VFX__COUNTOF(transfer_names))
        VFX_TRY(vfx_attrs_set_string(a, "dpx:Colorimetric", col == 2 ? "Not applicable"
                                                                    : transfer_names[col]));
    if (pk < 3)
        VFX_TRY(vfx_attrs_set_string(a, "dpx:Packing", packing_names[pk]));
    VFX_TRY(set_u32(a, "dpx:LowData", rd32(e + 4, be)));
    VFX_TRY(set_f32(a, "dpx:LowQuantity", rdf(e + 8, be)));
    VFX_TRY(set_u32(a, "dpx:HighData", rd32(e + 12, be)));
    VFX_TRY(set_f32(a, "dpx:HighQuantity", rdf(e + 16, be)));
    VFX_TRY(set_str(a, "ImageDescription", e + 40, 32));
    if (hn >= 1664) { /* orientation header */
        VFX_TRY(set_str(a, "dpx:InputDevice", h + 1556, 32));
        VFX_TRY(set_str(a, "dpx:InputDeviceSerialNumber", h + 1588, 32));
        uint32_t ah = rd32(h + 1628, be), av = rd32(h + 1632, be);
        if (ah != U32_UNDEF && av != U32_UNDEF && ah > 0 && av > 0)
            VFX_TRY(vfx_attrs_set_float(a, "PixelAspectRatio", (float) ah / (float) av));
    }
    float fps = NAN;
    if (hn >= 1920) { /* film header */
        const uint8_t *f = h + 1664;
        VFX_TRY(set_u32(a, "dpx:FramePosition", rd32(f + 48, be)));
        VFX_TRY(set_u32(a, "dpx:SequenceLength", rd32(f + 52, be)));
        VFX_TRY(set_u32(a, "dpx:HeldCount", rd32(f + 56, be)));
        VFX_TRY(set_f32(a, "dpx:ShutterAngle", rdf(f + 64, be)));
        VFX_TRY(set_str(a, "dpx:Format", f + 16, 32));
        VFX_TRY(set_str(a, "dpx:FrameId", f + 68, 32));
        VFX_TRY(set_str(a, "dpx:SlateInfo", f + 100, 100));
        float r = rdf(f + 60, be);
        if (isfinite(r) && r > 0)
            fps = r;
        /* edge code: mfg id (2), film type (2), perfs offset (2), prefix (6), count (4) */
        char num[7];
        int ok = 1;
        for (int i = 0; i < 16 && ok; i++)
            ok = f[i] >= '0' && f[i] <= '9';
        if (ok) {
            vfx_attr_value v;
            v.type = VFX_ATTR_KEYCODE;
            memset(&v.u.keycode, 0, sizeof v.u.keycode);
            memcpy(num, f, 2), num[2] = 0;
            v.u.keycode.film_mfc_code = atoi(num);
            memcpy(num, f + 2, 2), num[2] = 0;
            v.u.keycode.film_type = atoi(num);
            memcpy(num, f + 4, 2), num[2] = 0;
            v.u.keycode.perf_offset = atoi(num);
            memcpy(num, f + 6, 6), num[6] = 0;
            v.u.keycode.prefix = atoi(num);
            memcpy(num, f + 12, 4), num[4] = 0;
            v.u.keycode.count = atoi(num);
            v.u.keycode.perfs_per_frame = 4;
            v.u.keycode.perfs_per_count = 64;
            VFX_TRY(vfx_attrs_set(a, "smpte:KeyCode", &v));
        }
    }
    if (hn >= 2048) { /* television header */
        const uint8_t *t = h + 1920;
        uint32_t tc = rd32(t, be), ub = rd32(t + 4, be);
        if (tc != U32_UNDEF) {
            vfx_attr_value v;
            v.type = VFX_ATTR_TIMECODE;
            v.u.timecode.time_and_flags = tc;
            v.u.timecode.user_data = ub == U32_UNDEF ? 0 : ub;
            VFX_TRY(vfx_attrs_set(a, "smpte:TimeCode", &v));
        }
        if (t[8] != 0xFF)
            VFX_TRY(vfx_attrs_set_int(a, "dpx:Interlace", t[8]));
        if (t[9] != 0xFF)
            VFX_TRY(vfx_attrs_set_int(a, "dpx:FieldNumber", t[9]));
        VFX_TRY(set_f32(a, "dpx:Gamma", rdf(t + 28, be)));
        float r = rdf(t + 20, be);
        if (!isfinite(fps) && isfinite(r) && r > 0)
            fps = r;
    }
    if (isfinite(fps) && fps < 1000)
        VFX_TRY(vfx_attrs_set_float(a, "FramesPerSecond", fps));
    return VFX_OK;
}

static void
dpx_close(vfx__rd *rd)
{
    vfx__free(rd->priv);
    rd->priv = NULL;
}

static vfx_status
dpx_open(vfx__rd *rd)
{
    dpx_priv *dp = vfx__calloc(1, sizeof *dp);
    if (!dp)
        return vfx__nomem();
    rd->priv = dp;
    uint8_t h[HEADER];
    memset(h, 0xFF, sizeof h);
    int64_t got = vfx__rd_read(rd, h, HEADER, 0);
    if (got < 0)
        return vfx__fail(VFX_ERR_IO, "cannot read the header");
    if (got < 1408)
        return vfx__fail(VFX_ERR_CORRUPT, "header: %d bytes, at least 1408 needed", (int) got);
    int be = dp->be = memcmp(h, "SDPX", 4) == 0;
    if (!be && memcmp(h, "XPDS", 4) != 0)
        return vfx__fail(VFX_ERR_CORRUPT, "not a DPX file");
    uint32_t image_offset = rd32(h + 4, be);
    if (image_offset < 1408)
        return vfx__fail(VFX_ERR_CORRUPT, "image data offset %u inside the header", image_offset);
    size_t hn = (size_t) VFX__MIN((int64_t) image_offset, got);
    if (hn < HEADER)
        memset(h + hn, 0xFF, HEADER - hn);
    uint32_t n_el = rd16(h + 770, be);
    uint32_t w = rd32(h + 772, be), ht = rd32(h + 776, be);
    if (n_el < 1 || n_el > 8)
        return vfx__fail(VFX_ERR_CORRUPT, "%u image elements", n_el);
    if (w == 0 || ht == 0 || w > INT32_MAX / 2 || ht > INT32_MAX / 2)
        return vfx__fail(VFX_ERR_CORRUPT, "invalid size %u x %u", w, ht);
    VFX_TRY(vfx__check_size(rd, w, ht));
    dp->width = (int32_t) w;
    dp->height = (int32_t) ht;
    vfx_status why = VFX_OK;
    char why_msg[160] = "";
    for (uint32_t i = 0; i < n_el; i++) {
        const uint8_t *e = h + 780 + i * 72;
        dpx_el el;
        memset(&el, 0, sizeof el);
        el.desc = e[20];
        el.bits = e[23];
        el.packing = (int) rd16(e + 24, be);
        uint32_t sign = rd32(e, be), enc = rd16(e + 26, be);
        uint32_t off = rd32(e + 28, be), eol = rd32(e + 32, be);
        static const int rgb[4] = { 0, 1, 2, 3 }, abgr[4] = { 3, 2, 1, 0 };
        switch (el.desc) {
        case 1: case 2: case 3: case 4: case 6: case 8: el.n_ch = 1; break;
        case 50: el.n_ch = 3; break;
        case 51: el.n_ch = 4; break;
        case 52: el.n_ch = 4; break;
        default: el.n_ch = 0; break;
        }
        memcpy(el.map, el.desc == 52 ? abgr : rgb, sizeof el.map);
        el.index = (int) i;
        char problem[120] = "";
        uint64_t lb = 0;
        if (el.n_ch == 0)
            snprintf(problem, sizeof problem, "descriptor %d not supported", el.desc);
        else if (enc != 0)
            snprintf(problem, sizeof problem, "run-length encoding (%u) not supported", enc);
        else if (sign == 1)
            snprintf(problem, sizeof problem, "signed samples not supported");
        else if (el.packing > 2 ||
                 line_bytes(el.bits, el.packing, (uint64_t) w * (uint64_t) el.n_ch, &lb) != 0)
            snprintf(problem, sizeof problem, "%d bits with packing %d not supported", el.bits,
                     el.packing);
        if (problem[0]) {
            if (i == 0) {
                why = VFX_ERR_UNSUPPORTED;
                snprintf(why_msg, sizeof why_msg, "element 0: %s", problem);
            }
            continue;
        }
        el.row_bytes = lb + (eol == U32_UNDEF ? 0 : eol);
        el.offset = off == 0 && i == 0 ? image_offset : off;
        if (el.offset == U32_UNDEF || el.offset < 1408)
            return vfx__fail(VFX_ERR_CORRUPT, "element %u: data offset %" PRIu64, i, el.offset);
        if (rd->file_size >= 0 &&
            (el.offset > (uint64_t) rd->file_size ||
             el.row_bytes * ht > (uint64_t) rd->file_size - el.offset))
            return vfx__fail(VFX_ERR_CORRUPT,
                             "element %u: %u lines of %" PRIu64 " bytes from offset %" PRIu64
                             " exceed the file size %" PRId64,
                             i, ht, el.row_bytes, el.offset, rd->file_size);
        dp->el[dp->n_el++] = el;
    }
    if (dp->n_el == 0)
        return vfx__fail(why != VFX_OK ? why : VFX_ERR_UNSUPPORTED, "%s",
                         why_msg[0] ? why_msg : "no supported image element");
    VFX_TRY(vfx__rd_alloc_parts(rd, dp->n_el));
    for (int p = 0; p < dp->n_el; p++) {
        const dpx_el *el = &dp->el[p];
        vfx__part *part = &rd->parts[p];
        part->spec.data = part->spec.display = (vfx_rect){ 0, 0, dp->width, dp->height };
        VFX_TRY(vfx__part_one_level(part, part->spec.data, VFX_ACCESS_RANDOM_STRIPS, dp->width,
                                    32));
        const char *names = el->n_ch == 3 ? "R,G,B" : el->n_ch == 4 ? "R,G,B,A"
                            : el->desc == 1 ? "R" : el->desc == 2 ? "G" : el->desc == 3 ? "B"
                            : el->desc == 4 ? "A" : el->desc == 8 ? "Z" : "Y";
        VFX_TRY(vfx_channels_from_names(names, el->bits == 8 ? VFX_PIXEL_U8 : VFX_PIXEL_U16,
                                        &part->spec.channels));
        VFX_TRY(vfx_attrs_new(&part->spec.attrs));
        VFX_TRY(vfx_attrs_set_int(part->spec.attrs, "BitsPerSample", el->bits));
        if (!(rd->flags & VFX_READ_NO_METADATA))
            VFX_TRY(read_metadata(h, hn, be, h + 780 + el->index * 72, part->spec.attrs));
    }
    return VFX_OK;
}

/* Unpack one line of @p n samples into u16 code values (0 .. 2^bits - 1) or bytes. */
static void
unpack_line(const dpx_el *el, int be, const uint8_t *src, uint16_t *dst, size_t n)
{
    int bits = el->bits;
    if (bits == 16) {
        for (size_t i = 0; i < n; i++)
            dst[i] = (uint16_t) rd16(src + i * 2, be);
    } else if (bits == 8) {
        for (size_t i = 0; i < n; i++)
            dst[i] = src[i];
    } else if (bits == 10 && el->packing != 0) {
        int base = el->packing == 1 ? 22 : 20; /* method A pads the low bits, B the high */
        for (size_t i = 0; i < n; i++) {
            uint32_t w = rd32(src + (i / 3) * 4, be);
            dst[i] = (uint16_t) ((w >> (base - 10 * (int) (i % 3))) & 0x3FF);
        }
    } else if (bits == 12 && el->packing != 0) {
        for (size_t i = 0; i < n; i++) {
            uint32_t v = rd16(src + i * 2, be);
            dst[i] = (uint16_t) (el->packing == 1 ? v >> 4 : v & 0xFFF);
        }
    } else { /* packed: samples fill 32-bit words from the least significant bit up */
        uint32_t mask = (1u << bits) - 1;
        for (size_t i = 0; i < n; i++) {
            uint64_t bit = (uint64_t) i * (uint64_t) bits;
            size_t wi = (size_t) (bit / 32);
            unsigned sh = (unsigned) (bit % 32);
            uint64_t v = rd32(src + wi * 4, be);
            if (sh + (unsigned) bits > 32)
                v |= (uint64_t) rd32(src + (wi + 1) * 4, be) << 32;
            dst[i] = (uint16_t) ((v >> sh) & mask);
        }
    }
}

static vfx_status
dpx_read_rect(vfx__rd *rd, const vfx__read_req *req)
{
    dpx_priv *dp = rd->priv;
    const dpx_el *el = &dp->el[req->part];
    int32_t rows = req->rect.y1 - req->rect.y0;
    size_t n = (size_t) dp->width * (size_t) el->n_ch;
    /* a few extra bytes so packed lines may peek at the next word */
    size_t want = (size_t) el->row_bytes * (size_t) rows;
    uint8_t *buf = vfx__alloc(want + 8);
    uint16_t *codes = vfx__alloc(n * sizeof *codes);
    uint8_t *line = vfx__alloc(n * 2);
    vfx_status s = VFX_OK;
    if (!buf || !codes || !line) {
        s = vfx__nomem();
        goto done;
    }
    memset(buf + want, 0, 8);
    uint64_t off = el->offset + el->row_bytes * (uint64_t) req->rect.y0;
    int64_t got = vfx__rd_read(rd, buf, want, off);
    if (got < 0) {
        s = vfx__fail(VFX_ERR_IO, "read failed at offset %" PRIu64, off);
        goto done;
    }
    if ((uint64_t) got < want) {
        s = vfx__fail(VFX_ERR_CORRUPT, "rows %d..%d: data ends at offset %" PRIu64,
                      req->rect.y0, req->rect.y1 - 1, off + (uint64_t) got);
        goto done;
    }
    for (int32_t r = 0; r < rows; r++) {
        unpack_line(el, dp->be, buf + (size_t) r * el->row_bytes, codes, n);
        if (el->bits == 8) {
            for (size_t i = 0; i < n; i++)
                line[i] = (uint8_t) codes[i];
        } else if (el->bits == 16) {
            memcpy(line, codes, n * 2);
        } else { /* bit replication, as OIIO: exact inverse of taking the top bits */
            uint16_t *l16 = (uint16_t *) (void *) line;
            int sh = 16 - el->bits;
            for (size_t i = 0; i < n; i++)
                l16[i] = (uint16_t) (codes[i] << sh | codes[i] >> (el->bits - sh));
        }
        /* reorder (ABGR) by a channel map on the request */
        vfx__read_req q = *req;
        int32_t mapped[64];
        int32_t nk = VFX__MIN(req->n_channels, 64);
        for (int32_t k = 0; k < nk; k++)
            mapped[k] = el->map[req->channels[k]];
        q.channels = mapped;
        q.n_channels = nk;
        s = vfx__req_put_row(&q, req->rect.y0 + r, line,
                             el->bits == 8 ? VFX_PIXEL_U8 : VFX_PIXEL_U16, el->n_ch, 0);
        if (s != VFX_OK)
            goto done;
    }
    vfx__rd_count_chunks(rd, (rows + 31) / 32);
done:
    vfx__free(buf);
    vfx__free(codes);
    vfx__free(line);
    return s;
}

/* ---- writer ------------------------------------------------------------------------------- */

typedef struct dpx_enc {
    int      bits, n_ch, packing;
    int32_t  width;
    uint64_t row_bytes;
    uint16_t *codes;
    uint8_t  *line;
} dpx_enc;

static void
put_str(uint8_t *p, size_t n, const char *s)
{
    memset(p, 0, n);
    if (s)
        memcpy(p, s, VFX__MIN(strlen(s), n - 1));
}

static int
name_index(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return (int) i;
    return -1;
}

static vfx_status
write_header(vfx__wr *wr, dpx_enc *de)
{
    uint8_t h[HEADER];
    memset(h, 0xFF, sizeof h);
    const vfx_attr_value *v;
    int32_t w = de->width, ht = (int32_t) vfx_rect_height(wr->spec.data);
    memcpy(h, "SDPX", 4);
    wr32(h + 4, HEADER);
    put_str(h + 8, 8, "V2.0");
    wr32(h + 16, (uint32_t) (HEADER + de->row_bytes * (uint64_t) ht));
    wr32(h + 20, 1);           /* ditto key: new */
    wr32(h + 24, 1664);        /* generic header size */
    wr32(h + 28, 384);         /* industry header size */
    wr32(h + 32, 0);           /* user data size */
    put_str(h + 36, 100, wr->name);
    v = vfx__wr_attr(wr, "DateTime", VFX_ATTR_STRING);
    char ts[32] = "";
    if (v && strlen(v->u.s) >= 19) {
        snprintf(ts, sizeof ts, "%.19s", v->u.s);
        ts[10] = ':';
    }
    put_str(h + 136, 24, ts);
    v = vfx__wr_attr(wr, "Software", VFX_ATTR_STRING);
    put_str(h + 160, 100, v ? v->u.s : "vfx");
    v = vfx__wr_attr(wr, "DocumentName", VFX_ATTR_STRING);
    put_str(h + 260, 200, v ? v->u.s : NULL);
    v = vfx__wr_attr(wr, "Copyright", VFX_ATTR_STRING);
    put_str(h + 460, 200, v ? v->u.s : NULL);
    memset(h + 664, 0, 104); /* reserved */
    /* image information */
    wr16(h + 768, 0);
    wr16(h + 770, 1);
    wr32(h + 772, (uint32_t) w);
    wr32(h + 776, (uint32_t) ht);
    uint8_t *e = h + 780;
    wr32(e, 0); /* unsigned */
    uint32_t maxv = (1u << de->bits) - 1;
    wr32(e + 4, 0);
    wrf(e + 8, 0.0f);
    wr32(e + 12, maxv);
    wrf(e + 16, de->bits == 10 ? 2.047f : 1.0f);
    e[20] = (uint8_t) (de->n_ch == 1 ? 6 : de->n_ch == 3 ? 50 : 51);
    int tr = -1, col = -1;
    if ((v = vfx__wr_attr(wr, "dpx:Transfer", VFX_ATTR_STRING)))
        tr = name_index(transfer_names, VFX__COUNTOF(transfer_names), v->u.s);
    if ((v = vfx__wr_attr(wr, "dpx:Colorimetric", VFX_ATTR_STRING)))
        col = !strcmp(v->u.s, "Not applicable")
                  ? 2
                  : name_index(transfer_names, VFX__COUNTOF(transfer_names), v->u.s);
    if (tr < 0) {
        v = vfx__wr_attr(wr, "colorspace", VFX_ATTR_STRING);
        tr = v && !strcmp(v->u.s, "linear") ? 2 : 0;
    }
    e[21] = (uint8_t) tr;
    e[22] = (uint8_t) (col < 0 ? tr == 2 ? 2 : 0 : col);
    e[23] = (uint8_t) de->bits;
    wr16(e + 24, (uint32_t) de->packing);
    wr16(e + 26, 0);
    wr32(e + 28, HEADER);
    wr32(e + 32, 0);
    wr32(e + 36, 0);
    v = vfx__wr_attr(wr, "ImageDescription", VFX_ATTR_STRING);
    put_str(e + 40, 32, v ? v->u.s : NULL);
    memset(h + 780 + 8 * 72, 0, 52); /* reserved */
    /* orientation header */
    wr32(h + 1408, 0);
    wr32(h + 1412, 0);
    put_str(h + 1432, 100, wr->name);
    put_str(h + 1532, 24, ts);
    v = vfx__wr_attr(wr, "dpx:InputDevice", VFX_ATTR_STRING);
    put_str(h + 1556, 32, v ? v->u.s : NULL);
    v = vfx__wr_attr(wr, "dpx:InputDeviceSerialNumber", VFX_ATTR_STRING);
    put_str(h + 1588, 32, v ? v->u.s : NULL);
    v = vfx__wr_attr(wr, "PixelAspectRatio", VFX_ATTR_FLOAT);
    if (v && v->u.f > 0 && isfinite(v->u.f)) {
        wr32(h + 1628, (uint32_t) lrintf(v->u.f * 1000.0f));
        wr32(h + 1632, 1000);
    }
    memset(h + 1636, 0, 28);
    /* film header */
    uint8_t *f = h + 1664;
    memset(f, 0, 48);
    if ((v = vfx__wr_attr(wr, "smpte:KeyCode", VFX_ATTR_KEYCODE))) {
        char kc[40];
        snprintf(kc, sizeof kc, "%02d%02d%02d%06d%04d", v->u.keycode.film_mfc_code % 100,
                 v->u.keycode.film_type % 100, v->u.keycode.perf_offset % 100,
                 v->u.keycode.prefix % 1000000, v->u.keycode.count % 10000);
        memcpy(f, kc, 16);
    }
    v = vfx__wr_attr(wr, "dpx:Format", VFX_ATTR_STRING);
    put_str(f + 16, 32, v ? v->u.s : NULL);
    if ((v = vfx__wr_attr(wr, "dpx:FramePosition", VFX_ATTR_INT)) && v->u.i >= 0)
        wr32(f + 48, (uint32_t) v->u.i);
    if ((v = vfx__wr_attr(wr, "dpx:SequenceLength", VFX_ATTR_INT)) && v->u.i >= 0)
        wr32(f + 52, (uint32_t) v->u.i);
    if ((v = vfx__wr_attr(wr, "dpx:HeldCount", VFX_ATTR_INT)) && v->u.i >= 0)
        wr32(f + 56, (uint32_t) v->u.i);
    const vfx_attr_value *fps = vfx__wr_attr(wr, "FramesPerSecond", VFX_ATTR_FLOAT);
    if (fps)
        wrf(f + 60, fps->u.f);
    if ((v = vfx__wr_attr(wr, "dpx:ShutterAngle", VFX_ATTR_FLOAT)))
        wrf(f + 64, v->u.f);
    v = vfx__wr_attr(wr, "dpx:FrameId", VFX_ATTR_STRING);
    put_str(f + 68, 32, v ? v->u.s : NULL);
    v = vfx__wr_attr(wr, "dpx:SlateInfo", VFX_ATTR_STRING);
    put_str(f + 100, 100, v ? v->u.s : NULL);
    memset(f + 200, 0, 56);
    /* television header */
    uint8_t *t = h + 1920;
    if ((v = vfx__wr_attr(wr, "smpte:TimeCode", VFX_ATTR_TIMECODE))) {
        wr32(t, v->u.timecode.time_and_flags);
        wr32(t + 4, v->u.timecode.user_data);
    }
    if (fps)
        wrf(t + 20, fps->u.f);
    memset(t + 52, 0, 76);
    return vfx__wr_write(wr, h, HEADER, 0);
}

static vfx_status
dpx_write_open(vfx__wr *wr)
{
    int32_t nc = vfx_channels_count(wr->spec.channels);
    if (nc != 1 && nc != 3 && nc != 4)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "DPX writer stores 1, 3 or 4 channels, not %d", nc);
    if (wr->opt.tile_w > 0 || wr->opt.tile_h > 0)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "DPX cannot be tiled");
    vfx_pixel_type t = wr->opt.pixel_type;
    if (t == VFX_PIXEL_UNKNOWN) {
        vfx_channel_info ci;
        VFX_TRY(vfx_channels_get(wr->spec.channels, 0, &ci));
        t = ci.type == VFX_PIXEL_U8 ? VFX_PIXEL_U8 : VFX_PIXEL_U16;
    }
    if (t != VFX_PIXEL_U8 && t != VFX_PIXEL_U16)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "DPX writer stores u8 or u16 (8/10/12/16 bits)");
    int bits = t == VFX_PIXEL_U8 ? 8 : 16;
    const vfx_attr_value *v = vfx__wr_attr(wr, "BitsPerSample", VFX_ATTR_INT);
    if (v && t == VFX_PIXEL_U16 && (v->u.i == 10 || v->u.i == 12))
        bits = v->u.i;
    int64_t w = vfx_rect_width(wr->spec.data), h = vfx_rect_height(wr->spec.data);
    if (w > INT32_MAX / 8 || h > INT32_MAX / 8)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "image too large for DPX");
    dpx_enc *de = vfx__calloc(1, sizeof *de);
    if (!de)
        return vfx__nomem();
    wr->priv = de;
    de->bits = bits;
    de->n_ch = nc;
    de->width = (int32_t) w;
    size_t n = (size_t) w * (size_t) nc;
    /* 10-bit RGB(A) is filled (method A); 12 bits, and 10 bits of one channel, are packed,
     * as OIIO writes them: readers disagree on single-channel sample order within filled
     * words and on scaling 12-bit filled words */
    de->packing = bits == 10 && nc > 1 ? 1 : 0;
    uint64_t lb = 0;
    (void) line_bytes(bits, de->packing, n, &lb);
    if ((uint64_t) HEADER + lb * (uint64_t) h > UINT32_MAX)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "DPX files are limited to 4 GiB");
    de->row_bytes = lb;
    de->codes = vfx__alloc(n * sizeof *de->codes);
    de->line = vfx__calloc(1, (size_t) lb + 4);
    if (!de->codes || !de->line)
        return vfx__nomem();
    VFX_TRY(write_header(wr, de));
    wr->chunking = (vfx_chunking){ VFX_ACCESS_RANDOM_STRIPS, de->width, 32, wr->spec.data.x0,
                                   wr->spec.data.y0, 1, (int32_t) ((h + 31) / 32) };
    return VFX_OK;
}

static vfx_status
dpx_write_rect(vfx__wr *wr, vfx_rect rect, vfx_pixel_type type, const void *src,
               ptrdiff_t x_stride, ptrdiff_t y_stride)
{
    dpx_enc *de = wr->priv;
    size_t n = (size_t) de->width * (size_t) de->n_ch;
    uint32_t max = (1u << de->bits) - 1;
    for (int32_t y = rect.y0; y < rect.y1; y++) {
        const uint8_t *s = (const uint8_t *) src + (ptrdiff_t) (y - rect.y0) * y_stride;
        /* to u16 first, then to the stored depth with rounding */
        VFX_TRY(vfx__pack_row(s, type, x_stride, (uint8_t *) de->codes, VFX_PIXEL_U16,
                              de->width, de->n_ch));
        uint8_t *q = de->line;
        memset(q, 0, (size_t) de->row_bytes);
        for (size_t i = 0; i < n; i++) {
            uint32_t c = ((uint32_t) de->codes[i] * max + 32767u) / 65535u;
            if (de->bits == 8) {
                q[i] = (uint8_t) c;
            } else if (de->bits == 16) {
                wr16(q + i * 2, c);
            } else if (de->bits == 12 && de->packing == 1) {
                wr16(q + i * 2, c << 4);
            } else if (de->packing == 0) { /* a stream from the low bits of 32-bit words */
                uint64_t bit = (uint64_t) i * (uint64_t) de->bits;
                size_t wi = (size_t) (bit / 32);
                uint64_t v = (uint64_t) c << (bit % 32);
                for (size_t k = 0; k < 2 && (wi + k) * 4 < de->row_bytes; k++) {
                    uint8_t *wp = q + (wi + k) * 4;
                    uint32_t word = (uint32_t) wp[0] << 24 | (uint32_t) wp[1] << 16 |
                                    (uint32_t) wp[2] << 8 | wp[3];
                    wr32(wp, word | (uint32_t) (v >> (32 * k)));
                }
            } else { /* 10-bit method A */
                uint8_t *wp = q + (i / 3) * 4;
                uint32_t word = (uint32_t) wp[0] << 24 | (uint32_t) wp[1] << 16 |
                                (uint32_t) wp[2] << 8 | wp[3];
                wr32(wp, word | c << (22 - 10 * (int) (i % 3)));
            }
        }
        uint64_t off = HEADER + de->row_bytes * (uint64_t) (y - wr->spec.data.y0);
        VFX_TRY(vfx__wr_write(wr, de->line, de->row_bytes, off));
    }
    return VFX_OK;
}

static vfx_status
dpx_write_close(vfx__wr *wr, int failed)
{
    (void) failed;
    dpx_enc *de = wr->priv;
    if (!de)
        return VFX_OK;
    vfx__free(de->codes);
    vfx__free(de->line);
    vfx__free(de);
    wr->priv = NULL;
    return VFX_OK;
}

const vfx_format vfx__fmt_dpx = {
    .size = sizeof(vfx_format),
    .name = "dpx",
    .tag = "dpx",
    .extensions = "dpx",
    .probe = dpx_probe,
    .open = dpx_open,
    .read_rect = dpx_read_rect,
    .close = dpx_close,
    .write_open = dpx_write_open,
    .write_rect = dpx_write_rect,
    .write_close = dpx_write_close,
    .description = "DPX (SMPTE 268M, own code): 8/10/12/16-bit, packed and filled, both endians, several elements",
    .write_notes = "8, 10, 12 or 16 bits (u8, u16 + BitsPerSample); 1, 3 or 4 channels; uncompressed",
};
