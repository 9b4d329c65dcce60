/* Text rendered into an image (oiiotool --text), pointwise: the glyphs are rasterised once by
 * FreeType when the node is made, into a coverage image the size of the text; each row then
 * composites the part of it that the row touches, so the op fuses and streams like the other
 * drawing ops (op_draw.c). With oiiotool's meanings:
 *
 *  - (x, y) is the pen position of the first glyph on the baseline; `size` is the font's pixel
 *    height (FT_Set_Pixel_Sizes); each glyph's 8-bit coverage is written (not accumulated) at
 *    its bitmap offset and the pen advances by the glyph's advance rounded down to whole
 *    pixels; "\n" starts a new line `size` pixels lower, "\r" is skipped; characters the font
 *    cannot load are skipped.
 *  - alignment, as oiiotool 2.4 (checked against it): from the text's extent (the bounding box
 *    of the glyph bitmaps relative to the pen start, one pixel wider and taller as OIIO measures
 *    it), xalign right moves x left by the width, center by width / 2 + the left edge; yalign
 *    top moves y down by the height, bottom up by the height, center by height / 2 + the top
 *    edge.
 *  - shadow N: the alpha used to darken the background is the coverage dilated by a
 *    (2N + 1)^2 square (max filter), so the text gets a dark rim; the colour term is the plain
 *    coverage.
 *  - out = coverage * color + (1 - alpha * text_alpha) * in, with text_alpha the colour's
 *    alpha channel value when the image has an alpha channel (else 1).
 *  - The font is a font file, or a name matched through fontconfig (family, "family style",
 *    full name or file name without extension; fontconfig's nearest substitute for a name it
 *    does not have is refused). Without a font, DejaVu Sans (Debian's fonts-dejavu-core), which
 *    oiiotool does not default to.
 * UTF-8 decoding is written here (a few lines; invalid bytes become U+FFFD). */
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ops/op_int.h"
#include "vfx/ops.h"

#define TEXT_MAX_CHARS  65536
#define TEXT_MAX_SIZE   4096
#define TEXT_MAX_PIXELS (64 << 20) /* coverage buffer limit (x2 with a shadow) */
#define DEFAULT_FONT    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

typedef struct text_params {
    int32_t  nc;
    vfx_rect rect; /* the coverage image, in image coordinates */
    float    color[64];
    float    text_alpha;
    float   *val;   /* coverage, rect-sized, owned */
    float   *alpha; /* dilated coverage (shadow), owned, or NULL: the coverage */
} text_params;

static void
text_free(void *params)
{
    text_params *p = params;
    vfx__free(p->val);
    vfx__free(p->alpha);
    p->val = p->alpha = NULL;
}

static void
text_row(const vfx_node *n, const float *in, float *out, int32_t x, int32_t y, int32_t n_px)
{
    const text_params *p = vfx__node_params(n);
    int32_t            nc = p->nc;
    if (in != out)
        memcpy(out, in, (size_t) n_px * (size_t) nc * sizeof *out);
    const vfx_rect *r = &p->rect;
    if (y < r->y0 || y >= r->y1)
        return;
    int32_t      xa = VFX__MAX(x, r->x0), xb = VFX__MIN(x + n_px, r->x1);
    int64_t      w = (int64_t) r->x1 - r->x0;
    const float *v = p->val + (int64_t) (y - r->y0) * w;
    const float *a = (p->alpha ? p->alpha : p->val) + (int64_t) (y - r->y0) * w;
    for (int32_t X = xa; X < xb; X++) {
        float  cv = v[X - r->x0], k = 1.0f - a[X - r->x0] * p->text_alpha;
        float *d = out + (ptrdiff_t) (X - x) * nc;
        if (cv == 0.0f && k == 1.0f)
            continue;
        for (int32_t c = 0; c < nc; c++)
            d[c] = cv * p->color[c] + k * d[c];
    }
}

const vfx_op_class vfx__op_text = {
    sizeof(vfx_op_class), "text", VFX_OP_POINTWISE, sizeof(text_params),
    NULL, NULL, NULL, NULL, text_row, NULL, NULL, text_free
};

/* ---- text and fonts -------------------------------------------------------------------------- */

/* UTF-8 to code points; invalid or truncated sequences give U+FFFD. Returns the count. */
static int32_t
utf8_decode(const char *s, uint32_t *cp, int32_t max)
{
    const unsigned char *u = (const unsigned char *) s;
    int32_t              n = 0;
    while (*u && n < max) {
        uint32_t c = *u++;
        int      more = c >= 0xF0 && c < 0xF8 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : c >= 0x80 ? -1 : 0;
        if (more < 0 || c >= 0xF8) {
            cp[n++] = 0xFFFD;
            continue;
        }
        c &= more == 3 ? 0x07u : more == 2 ? 0x0Fu : more == 1 ? 0x1Fu : 0x7Fu;
        int ok = 1;
        for (int i = 0; i < more; i++) {
            if ((*u & 0xC0) != 0x80) {
                ok = 0;
                break;
            }
            c = (c << 6) | (*u++ & 0x3Fu);
        }
        cp[n++] = ok && c <= 0x10FFFF ? c : 0xFFFD;
    }
    return n;
}

static int
is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Resolve @p font (NULL: the default) to a font file in @p path. */
static vfx_status
resolve_font(const char *font, char *path, size_t cap)
{
    if ((!font || !font[0]) && is_file(DEFAULT_FONT)) {
        snprintf(path, cap, "%s", DEFAULT_FONT);
        return VFX_OK;
    }
    if (font && font[0] && is_file(font)) {
        if (strlen(font) >= cap)
            return vfx__fail(VFX_ERR_ARG, "text: font path too long");
        snprintf(path, cap, "%s", font);
        return VFX_OK;
    }
    const char *want = font && font[0] ? font : "DejaVu Sans";
    if (!FcInit())
        return vfx__fail(VFX_ERR_NOT_FOUND, "text: no font '%s': fontconfig could not start", want);
    FcPattern *pat = FcNameParse((const FcChar8 *) want);
    if (!pat)
        return vfx__nomem();
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult   res = FcResultNoMatch;
    FcPattern *m = FcFontMatch(NULL, pat, &res);
    FcPatternDestroy(pat);
    FcChar8   *file = NULL, *s = NULL;
    int        ok = 0;
    char       offer[512] = "nothing";
    if (m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch) {
        /* fontconfig always offers something: accept it only when it is the font asked for */
        const char *base = strrchr((const char *) file, '/');
        base = base ? base + 1 : (const char *) file;
        size_t bl = strcspn(base, ".");
        if (strlen(want) == bl && strncasecmp(base, want, bl) == 0)
            ok = 1;
        for (int i = 0; !ok && FcPatternGetString(m, FC_FULLNAME, i, &s) == FcResultMatch; i++)
            ok = strcasecmp((const char *) s, want) == 0;
        for (int i = 0; !ok && FcPatternGetString(m, FC_FAMILY, i, &s) == FcResultMatch; i++) {
            ok = strcasecmp((const char *) s, want) == 0;
            FcChar8 *style = NULL;
            char     fs[512];
            if (!ok && FcPatternGetString(m, FC_STYLE, 0, &style) == FcResultMatch) {
                snprintf(fs, sizeof fs, "%s %s", (const char *) s, (const char *) style);
                ok = strcasecmp(fs, want) == 0;
            }
        }
        if (FcPatternGetString(m, FC_FULLNAME, 0, &s) == FcResultMatch)
            snprintf(offer, sizeof offer, "'%s'", (const char *) s);
        if (ok)
            snprintf(path, cap, "%s", (const char *) file);
    }
    if (m)
        FcPatternDestroy(m);
    if (!ok)
        return vfx__fail(VFX_ERR_NOT_FOUND, "text: font '%s' not found (not a file; fontconfig has no such "
                         "font, its nearest is %s)", want, offer);
    return VFX_OK;
}

/* ---- rasterising -------------------------------------------------------------------------- */

vfx_status
vfx_image_draw_text(vfx_image *in, int32_t x, int32_t y, const char *text, int32_t font_size,
                    const char *font, const float *color, vfx_text_align_x xalign,
                    vfx_text_align_y yalign, int32_t shadow, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "text: out is NULL");
    *out = NULL;
    if (!in || !text)
        return vfx__fail(VFX_ERR_ARG, "text: NULL argument");
    if (font_size < 1 || font_size > TEXT_MAX_SIZE)
        return vfx__fail(VFX_ERR_ARG, "text: size %d is outside 1..%d", font_size, TEXT_MAX_SIZE);
    if (shadow < 0 || shadow > 256)
        return vfx__fail(VFX_ERR_ARG, "text: shadow %d is outside 0..256", shadow);
    if ((int) xalign < 0 || xalign > VFX_TEXT_RIGHT || (int) yalign < 0 || yalign > VFX_TEXT_CENTER)
        return vfx__fail(VFX_ERR_ARG, "text: bad alignment");
    text_params p;
    memset(&p, 0, sizeof p);
    p.nc = vfx_image_n_channels(in);
    if (p.nc > 64)
        return vfx__fail(VFX_ERR_ARG, "text: more than 64 channels");
    for (int32_t c = 0; c < p.nc; c++)
        p.color[c] = color ? color[c] : 1.0f;
    int32_t alpha = vfx_channels_find_role(vfx_image_spec(in)->channels, VFX_ROLE_ALPHA);
    p.text_alpha = alpha >= 0 ? p.color[alpha] : 1.0f;

    char path[4096];
    VFX_TRY(resolve_font(font, path, sizeof path));
    size_t    len = strlen(text);
    uint32_t *cp = vfx__alloc((VFX__MIN(len, (size_t) TEXT_MAX_CHARS) + 1) * sizeof *cp);
    if (!cp)
        return vfx__nomem();
    int32_t    n_cp = utf8_decode(text, cp, TEXT_MAX_CHARS);
    FT_Library lib = NULL;
    FT_Face    face = NULL;
    vfx_status st = VFX_OK;
    if (FT_Init_FreeType(&lib)) {
        st = vfx__fail(VFX_ERR_INTERNAL, "text: FreeType could not start");
        goto done;
    }
    if (FT_New_Face(lib, path, 0, &face)) {
        st = vfx__fail(VFX_ERR_CORRUPT, "text: %s is not a font FreeType can read", path);
        goto done;
    }
    if (FT_Set_Pixel_Sizes(face, 0, (FT_UInt) font_size)) {
        st = vfx__fail(VFX_ERR_ARG, "text: %s: cannot set the size %d", path, font_size);
        goto done;
    }
    FT_GlyphSlot g = face->glyph;
    /* pass 1: the extent, relative to the pen start (OIIO's measure: one pixel more) */
    int64_t ex0 = INT64_MAX, ey0 = INT64_MAX, ex1 = INT64_MIN, ey1 = INT64_MIN, px = 0, py = 0;
    for (int32_t i = 0; i < n_cp; i++) {
        if (cp[i] == '\n') {
            px = 0;
            py += font_size;
            continue;
        }
        if (FT_Load_Char(face, cp[i], FT_LOAD_RENDER))
            continue;
        ey0 = VFX__MIN(ey0, py - g->bitmap_top);
        ey1 = VFX__MAX(ey1, py + (int64_t) g->bitmap.rows - g->bitmap_top + 1);
        ex0 = VFX__MIN(ex0, px + g->bitmap_left);
        ex1 = VFX__MAX(ex1, px + (int64_t) g->bitmap.width + g->bitmap_left + 1);
        px += g->advance.x >> 6;
    }
    if (ex0 == INT64_MAX) { /* nothing to draw */
        text_free(&p);
        vfx__free(cp);
        FT_Done_Face(face);
        FT_Done_FreeType(lib);
        *out = vfx_image_ref(in);
        return VFX_OK;
    }
    int64_t X = x, Y = y;
    if (xalign == VFX_TEXT_RIGHT)
        X -= ex1 - ex0;
    else if (xalign == VFX_TEXT_XCENTER)
        X -= (ex1 - ex0) / 2 + ex0;
    if (yalign == VFX_TEXT_TOP) /* OIIO 2.4's rule: by the text's height, not its extent */
        Y += ey1 - ey0;
    else if (yalign == VFX_TEXT_BOTTOM)
        Y -= ey1 - ey0;
    else if (yalign == VFX_TEXT_CENTER)
        Y -= (ey1 - ey0) / 2 + ey0;
    int64_t r0 = ex0 + X - shadow, r1 = ex1 + X + shadow, s0 = ey0 + Y - shadow, s1 = ey1 + Y + shadow;
    if (r0 < INT32_MIN / 2 || r1 > INT32_MAX / 2 || s0 < INT32_MIN / 2 || s1 > INT32_MAX / 2 ||
        (r1 - r0) * (s1 - s0) > TEXT_MAX_PIXELS) {
        st = vfx__fail(VFX_ERR_LIMIT, "text: the text covers %lld x %lld pixels (at most %d in all)",
                       (long long) (r1 - r0), (long long) (s1 - s0), TEXT_MAX_PIXELS);
        goto done;
    }
    p.rect = (vfx_rect){ (int32_t) r0, (int32_t) s0, (int32_t) r1, (int32_t) s1 };
    int64_t w = r1 - r0, h = s1 - s0;
    p.val = vfx__calloc((size_t) (w * h), sizeof(float));
    if (!p.val) {
        st = vfx__nomem();
        goto done;
    }
    /* pass 2: the coverage, glyph by glyph (later glyphs overwrite, as OIIO's setpixel) */
    px = X;
    py = Y;
    for (int32_t i = 0; i < n_cp; i++) {
        if (cp[i] == '\r')
            continue;
        if (cp[i] == '\n') {
            px = X;
            py += font_size;
            continue;
        }
        if (FT_Load_Char(face, cp[i], FT_LOAD_RENDER))
            continue;
        for (int64_t j = 0; j < (int64_t) g->bitmap.rows; j++) {
            int64_t ry = py + j - g->bitmap_top - s0;
            if (ry < 0 || ry >= h)
                continue;
            const unsigned char *row = g->bitmap.buffer + (ptrdiff_t) g->bitmap.pitch * j;
            for (int64_t k = 0; k < (int64_t) g->bitmap.width; k++) {
                int64_t rx = px + k + g->bitmap_left - r0;
                if (rx >= 0 && rx < w)
                    p.val[ry * w + rx] = row[k] / 255.0f;
            }
        }
        px += g->advance.x >> 6;
    }
    if (shadow > 0) { /* separable max filter of width 2 * shadow + 1 */
        float *tmp = vfx__alloc((size_t) (w * h) * sizeof(float));
        p.alpha = vfx__alloc((size_t) (w * h) * sizeof(float));
        if (!tmp || !p.alpha) {
            vfx__free(tmp);
            st = vfx__nomem();
            goto done;
        }
        for (int64_t j = 0; j < h; j++)
            for (int64_t k = 0; k < w; k++) {
                float m = 0.0f;
                for (int64_t d = VFX__MAX(0, k - shadow); d <= VFX__MIN(w - 1, k + shadow); d++)
                    m = VFX__MAX(m, p.val[j * w + d]);
                tmp[j * w + k] = m;
            }
        for (int64_t j = 0; j < h; j++)
            for (int64_t k = 0; k < w; k++) {
                float m = 0.0f;
                for (int64_t d = VFX__MAX(0, j - shadow); d <= VFX__MIN(h - 1, j + shadow); d++)
                    m = VFX__MAX(m, tmp[d * w + k]);
                p.alpha[j * w + k] = m;
            }
        vfx__free(tmp);
    }
done:
    if (face)
        FT_Done_Face(face);
    if (lib)
        FT_Done_FreeType(lib);
    vfx__free(cp);
    if (st != VFX_OK) {
        text_free(&p);
        return st;
    }
    return vfx__node_new(&vfx__op_text, &p, sizeof p, &in, 1, NULL, out);
}
