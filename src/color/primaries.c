/* Primaries, white points, RGB <-> XYZ from chromaticities and chromatic adaptation, in f64.
 *
 * Chromaticities are those of the defining documents: ITU-R BT.709-6, BT.2020-2, SMPTE RP
 * 431-2 (DCI-P3), Apple Display P3, ACES S-2008-001 (AP0) and TB-2014-004 (AP1), ROMM RGB (ISO
 * 22028-2), Adobe RGB (1998), ARRI Wide Gamut 3 (ALEXA Log C white paper) and 4 (LogC4
 * specification), Sony S-Gamut3 / S-Gamut3.Cine technical summary, Panasonic V-Log/V-Gamut
 * reference manual, RED REDWideGamutRGB white paper, Blackmagic DaVinci Wide Gamut
 * Intermediate, Canon Cinema Gamut (Canon white paper). */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "color/color_int.h"

#define D65 { 0.3127, 0.3290 }
#define D50 { 0.3457, 0.3585 }
#define ACES_WHITE { 0.32168, 0.33767 }

static const struct {
    const char        *name;
    vfx_chromaticities c;
} PRIMARIES[VFX_PRIMARIES_COUNT] = {
    [VFX_PRIMARIES_REC709] = { "rec709", { { 0.64, 0.33 }, { 0.30, 0.60 }, { 0.15, 0.06 }, D65 } },
    [VFX_PRIMARIES_REC2020] = { "rec2020", { { 0.708, 0.292 }, { 0.170, 0.797 }, { 0.131, 0.046 }, D65 } },
    [VFX_PRIMARIES_DCI_P3] = { "dci_p3", { { 0.680, 0.320 }, { 0.265, 0.690 }, { 0.150, 0.060 }, { 0.314, 0.351 } } },
    [VFX_PRIMARIES_DISPLAY_P3] = { "display_p3", { { 0.680, 0.320 }, { 0.265, 0.690 }, { 0.150, 0.060 }, D65 } },
    [VFX_PRIMARIES_P3_D60] = { "p3_d60", { { 0.680, 0.320 }, { 0.265, 0.690 }, { 0.150, 0.060 }, ACES_WHITE } },
    [VFX_PRIMARIES_ACES_AP0] = { "aces_ap0", { { 0.7347, 0.2653 }, { 0.0, 1.0 }, { 0.0001, -0.0770 }, ACES_WHITE } },
    [VFX_PRIMARIES_ACES_AP1] = { "aces_ap1", { { 0.713, 0.293 }, { 0.165, 0.830 }, { 0.128, 0.044 }, ACES_WHITE } },
    [VFX_PRIMARIES_PROPHOTO] = { "prophoto", { { 0.7347, 0.2653 }, { 0.1596, 0.8404 }, { 0.0366, 0.0001 }, D50 } },
    [VFX_PRIMARIES_ADOBE_RGB] = { "adobe_rgb", { { 0.64, 0.33 }, { 0.21, 0.71 }, { 0.15, 0.06 }, D65 } },
    [VFX_PRIMARIES_ARRI_WG3] = { "arri_wg3", { { 0.6840, 0.3130 }, { 0.2210, 0.8480 }, { 0.0861, -0.1020 }, D65 } },
    [VFX_PRIMARIES_ARRI_WG4] = { "arri_wg4", { { 0.7347, 0.2653 }, { 0.1424, 0.8576 }, { 0.0991, -0.0308 }, D65 } },
    [VFX_PRIMARIES_SGAMUT3] = { "sgamut3", { { 0.730, 0.280 }, { 0.140, 0.855 }, { 0.100, -0.050 }, D65 } },
    [VFX_PRIMARIES_SGAMUT3_CINE] = { "sgamut3_cine", { { 0.766, 0.275 }, { 0.225, 0.800 }, { 0.089, -0.087 }, D65 } },
    [VFX_PRIMARIES_VGAMUT] = { "vgamut", { { 0.730, 0.280 }, { 0.165, 0.840 }, { 0.100, -0.030 }, D65 } },
    [VFX_PRIMARIES_RED_WIDE_GAMUT] = { "red_wide_gamut", { { 0.780308, 0.304253 }, { 0.121595, 1.493994 }, { 0.095612, -0.084589 }, D65 } },
    [VFX_PRIMARIES_DAVINCI_WG] = { "davinci_wg", { { 0.8000, 0.3130 }, { 0.1682, 0.9877 }, { 0.0790, -0.1155 }, D65 } },
    [VFX_PRIMARIES_CANON_CINEMA_GAMUT] = { "canon_cinema_gamut", { { 0.740, 0.270 }, { 0.170, 1.140 }, { 0.080, -0.100 }, D65 } },
    [VFX_PRIMARIES_XYZ] = { "xyz", { { 1.0, 0.0 }, { 0.0, 1.0 }, { 0.0, 0.0 }, { 1.0 / 3.0, 1.0 / 3.0 } } },
};

static const double WHITES[VFX_WHITE_COUNT][2] = {
    [VFX_WHITE_D50] = D50,         [VFX_WHITE_D55] = { 0.3324, 0.3474 },
    [VFX_WHITE_D60] = ACES_WHITE,  [VFX_WHITE_D65] = D65,
    [VFX_WHITE_DCI] = { 0.314, 0.351 }, [VFX_WHITE_E] = { 1.0 / 3.0, 1.0 / 3.0 },
};

/* Cone-response matrices (XYZ -> LMS). Bradford: Lam (1985) as in ICC.1 annex E; CAT02:
 * CIE 159:2004; CAT16: Li et al. (2017); von Kries: Hunt-Pointer-Estevez normalised to D65. */
static const double CAT_M[VFX_CAT_COUNT][9] = {
    [VFX_CAT_NONE] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 },
    [VFX_CAT_BRADFORD] = { 0.8951, 0.2664, -0.1614, -0.7502, 1.7135, 0.0367, 0.0389, -0.0685, 1.0296 },
    [VFX_CAT_CAT02] = { 0.7328, 0.4296, -0.1624, -0.7036, 1.6975, 0.0061, 0.0030, 0.0136, 0.9834 },
    [VFX_CAT_CAT16] = { 0.401288, 0.650173, -0.051461, -0.250268, 1.204414, 0.045854, -0.002079,
                        0.048952, 0.953127 },
    [VFX_CAT_VON_KRIES] = { 0.40024, 0.70760, -0.08081, -0.22630, 1.16532, 0.04570, 0.0, 0.0, 0.91822 },
    [VFX_CAT_XYZ_SCALING] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 },
};

static const char *const CAT_NAMES[VFX_CAT_COUNT] = { "none", "bradford", "cat02", "cat16",
                                                      "von_kries", "xyz_scaling" };

const char *
vfx_primaries_name(vfx_primaries p)
{
    return (int) p >= 0 && p < VFX_PRIMARIES_COUNT ? PRIMARIES[p].name : NULL;
}

vfx_status
vfx_primaries_from_name(const char *name, vfx_primaries *out)
{
    if (!name || !out)
        return vfx__fail(VFX_ERR_ARG, "primaries: NULL argument");
    for (int i = 0; i < VFX_PRIMARIES_COUNT; i++) {
        if (strcasecmp(name, PRIMARIES[i].name) == 0) {
            *out = (vfx_primaries) i;
            return VFX_OK;
        }
    }
    return vfx__fail(VFX_ERR_NOT_FOUND, "primaries: unknown primaries '%s'", name);
}

vfx_status
vfx_primaries_get(vfx_primaries p, vfx_chromaticities *out)
{
    if (!out || (int) p < 0 || p >= VFX_PRIMARIES_COUNT)
        return vfx__fail(VFX_ERR_ARG, "primaries: bad argument (%d)", (int) p);
    *out = PRIMARIES[p].c;
    return VFX_OK;
}

vfx_status
vfx_white_get(vfx_white w, double xy_out[2])
{
    if (!xy_out || (int) w < 0 || w >= VFX_WHITE_COUNT)
        return vfx__fail(VFX_ERR_ARG, "primaries: bad white point (%d)", (int) w);
    xy_out[0] = WHITES[w][0];
    xy_out[1] = WHITES[w][1];
    return VFX_OK;
}

const char *
vfx_cat_name(vfx_cat c)
{
    return (int) c >= 0 && c < VFX_CAT_COUNT ? CAT_NAMES[c] : NULL;
}

void
vfx_mat3_mul(const double a[9], const double b[9], double out[9])
{
    double t[9];
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            t[3 * r + c] = a[3 * r] * b[c] + a[3 * r + 1] * b[3 + c] + a[3 * r + 2] * b[6 + c];
    memcpy(out, t, sizeof t);
}

vfx_status
vfx_mat3_invert(const double m[9], double out[9])
{
    double c0 = m[4] * m[8] - m[5] * m[7];
    double c1 = m[5] * m[6] - m[3] * m[8];
    double c2 = m[3] * m[7] - m[4] * m[6];
    double det = m[0] * c0 + m[1] * c1 + m[2] * c2;
    double scale = 0;
    for (int i = 0; i < 9; i++)
        scale = fmax(scale, fabs(m[i]));
    if (!(fabs(det) > 1e-14 * scale * scale * scale))
        return vfx__fail(VFX_ERR_ARG, "matrix: singular 3x3 matrix (det %g)", det);
    double t[9] = {
        c0, m[2] * m[7] - m[1] * m[8], m[1] * m[5] - m[2] * m[4],
        c1, m[0] * m[8] - m[2] * m[6], m[2] * m[3] - m[0] * m[5],
        c2, m[1] * m[6] - m[0] * m[7], m[0] * m[4] - m[1] * m[3],
    };
    for (int i = 0; i < 9; i++)
        out[i] = t[i] / det;
    return VFX_OK;
}

static void
mat3_apply(const double m[9], const double v[3], double out[3])
{
    double t0 = m[0] * v[0] + m[1] * v[1] + m[2] * v[2];
    double t1 = m[3] * v[0] + m[4] * v[1] + m[5] * v[2];
    double t2 = m[6] * v[0] + m[7] * v[1] + m[8] * v[2];
    out[0] = t0;
    out[1] = t1;
    out[2] = t2;
}

vfx_status
vfx_xy_to_xyz(const double xy[2], double xyz_out[3])
{
    if (!xy || !xyz_out || xy[1] == 0.0)
        return vfx__fail(VFX_ERR_ARG, "primaries: chromaticity with y = 0");
    xyz_out[0] = xy[0] / xy[1];
    xyz_out[1] = 1.0;
    xyz_out[2] = (1.0 - xy[0] - xy[1]) / xy[1];
    return VFX_OK;
}

vfx_status
vfx_rgb_to_xyz_matrix(const vfx_chromaticities *c, double m_out[9])
{
    if (!c || !m_out)
        return vfx__fail(VFX_ERR_ARG, "primaries: NULL argument");
    /* Columns are the primaries' xyz (z = 1 - x - y) scaled so that RGB = 1 gives the white
     * point's XYZ with Y = 1 (SMPTE RP 177). Primaries with y = 0 (XYZ's own Z) are fine:
     * the unscaled column uses x, y, z directly. */
    const double *prim[3] = { c->red, c->green, c->blue };
    double p[9];
    for (int i = 0; i < 3; i++) {
        p[0 + i] = prim[i][0];
        p[3 + i] = prim[i][1];
        p[6 + i] = 1.0 - prim[i][0] - prim[i][1];
    }
    double pinv[9], w[3], s[3];
    VFX_TRY(vfx_mat3_invert(p, pinv));
    VFX_TRY(vfx_xy_to_xyz(c->white, w));
    mat3_apply(pinv, w, s);
    for (int r = 0; r < 3; r++)
        for (int i = 0; i < 3; i++)
            m_out[3 * r + i] = p[3 * r + i] * s[i];
    return VFX_OK;
}

vfx_status
vfx_adaptation_matrix(vfx_cat cat, const double src_xy[2], const double dst_xy[2], double m_out[9])
{
    if (!src_xy || !dst_xy || !m_out || (int) cat < 0 || cat >= VFX_CAT_COUNT)
        return vfx__fail(VFX_ERR_ARG, "adaptation: bad argument");
    if (cat == VFX_CAT_NONE) {
        static const double id[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
        memcpy(m_out, id, sizeof id);
        return VFX_OK;
    }
    const double *ma = CAT_M[cat];
    double ws[3], wd[3], ls[3], ld[3], mainv[9];
    VFX_TRY(vfx_xy_to_xyz(src_xy, ws));
    VFX_TRY(vfx_xy_to_xyz(dst_xy, wd));
    VFX_TRY(vfx_mat3_invert(ma, mainv));
    mat3_apply(ma, ws, ls);
    mat3_apply(ma, wd, ld);
    double d[9] = { 0 };
    for (int i = 0; i < 3; i++) {
        if (ls[i] == 0.0)
            return vfx__fail(VFX_ERR_ARG, "adaptation: source white has a zero cone response");
        d[4 * i] = ld[i] / ls[i];
    }
    double t[9];
    vfx_mat3_mul(d, ma, t);
    vfx_mat3_mul(mainv, t, m_out);
    return VFX_OK;
}

vfx_status
vfx_rgb_to_rgb_matrix(const vfx_chromaticities *src, const vfx_chromaticities *dst, vfx_cat cat,
                      double m_out[9])
{
    if (!src || !dst || !m_out)
        return vfx__fail(VFX_ERR_ARG, "primaries: NULL argument");
    double a[9], b[9], binv[9], cat_m[9], t[9];
    VFX_TRY(vfx_rgb_to_xyz_matrix(src, a));
    VFX_TRY(vfx_rgb_to_xyz_matrix(dst, b));
    VFX_TRY(vfx_mat3_invert(b, binv));
    VFX_TRY(vfx_adaptation_matrix(cat, src->white, dst->white, cat_m));
    vfx_mat3_mul(cat_m, a, t);
    vfx_mat3_mul(binv, t, m_out);
    return VFX_OK;
}
