/* Spectral colour spaces: observers and SPDs from the generated tables, whites by 1 nm
 * Riemann sums, RGB <-> observer matrices with exact white, adaptation, legacy spaces.
 * Everything is f64; see include/vfx/spectral.h for the model. */
#include <math.h>
#include <string.h>

#include "color/color_int.h"
#include "color/spectral_int.h"
#include "vfx/spectral.h"

_Static_assert(sizeof(vfx_spectral_space) == 40, "vfx_spectral_space layout is pinned");
_Static_assert(offsetof(vfx_spectral_space, white) == 32, "vfx_spectral_space layout");
_Static_assert(offsetof(vfx_spectral_space, observer) == 36, "vfx_spectral_space layout");

/* CIE 170-2:2015, LMS (2006, 2 deg, peak-normalised energy cones) -> CIE 2012 2 deg XYZ. */
static const double LMS_TO_XYZ2012[9] = { 1.94735469, -1.41445123, 0.36476327,
                                          0.68990272, 0.34832189,  0.0,
                                          0.0,        0.0,         1.93485343 };

static const vfx__spectral_table *
observer_table(vfx_observer o)
{
    switch (o) {
    case VFX_OBSERVER_CIE2006_LMS_2DEG: return &vfx__spectral_lms2006;
    case VFX_OBSERVER_CIE1931_XYZ_2DEG: return &vfx__spectral_xyz1931;
    case VFX_OBSERVER_CIE2012_XYZ_2DEG: return &vfx__spectral_xyz2012;
    default: return NULL;
    }
}

const char *
vfx_observer_name(vfx_observer o)
{
    switch (o) {
    case VFX_OBSERVER_CIE2006_LMS_2DEG: return "cie2006_lms_2deg";
    case VFX_OBSERVER_CIE1931_XYZ_2DEG: return "cie1931_xyz_2deg";
    case VFX_OBSERVER_CIE2012_XYZ_2DEG: return "cie2012_xyz_2deg";
    default: return NULL;
    }
}

/* Linear interpolation in a table; an integer-aligned wavelength reads the row exactly. */
static vfx_status
sample(const vfx__spectral_table *t, double nm, double *out)
{
    double last = t->start_nm + t->step_nm * (t->n - 1);
    if (!(nm >= t->start_nm && nm <= last))
        return vfx__fail(VFX_ERR_ARG, "spectral: %g nm is outside %g..%g nm", nm, t->start_nm,
                         last);
    double u = (nm - t->start_nm) / t->step_nm;
    int32_t i = (int32_t) floor(u);
    if (i >= t->n - 1)
        i = t->n - 2;
    double f = u - i;
    const double *a = t->v + (size_t) i * (size_t) t->n_cols, *b = a + t->n_cols;
    for (int32_t c = 0; c < t->n_cols; c++)
        out[c] = f == 0.0 ? a[c] : a[c] + (b[c] - a[c]) * f;
    return VFX_OK;
}

vfx_status
vfx_observer_sample(vfx_observer o, double nm, double out[3])
{
    const vfx__spectral_table *t = observer_table(o);
    if (!t || !out)
        return vfx__fail(VFX_ERR_ARG, "spectral: bad observer %d or NULL out", (int) o);
    return sample(t, nm, out);
}

vfx_status
vfx_observer_range(vfx_observer o, double *first_nm_out, double *last_nm_out)
{
    const vfx__spectral_table *t = observer_table(o);
    if (!t || !first_nm_out || !last_nm_out)
        return vfx__fail(VFX_ERR_ARG, "spectral: bad observer %d or NULL out", (int) o);
    *first_nm_out = t->start_nm;
    *last_nm_out = t->start_nm + t->step_nm * (t->n - 1);
    return VFX_OK;
}

vfx_status
vfx_spd_sample(vfx_spd s, double nm, double *out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "spectral: NULL out");
    switch (s) {
    case VFX_SPD_E:
        if (!isfinite(nm) || nm <= 0.0)
            return vfx__fail(VFX_ERR_ARG, "spectral: %g nm is not a wavelength", nm);
        *out = 1.0;
        return VFX_OK;
    case VFX_SPD_D65: return sample(&vfx__spectral_d65, nm, out);
    default: return vfx__fail(VFX_ERR_ARG, "spectral: bad SPD %d", (int) s);
    }
}

void
vfx_lms2006_to_xyz2012_matrix(double m_out[9])
{
    memcpy(m_out, LMS_TO_XYZ2012, sizeof LMS_TO_XYZ2012);
}

static int
is_lms(vfx_observer o)
{
    return o == VFX_OBSERVER_CIE2006_LMS_2DEG;
}

/* Luminance of a vector in the observer's space. */
static double
luminance(vfx_observer o, const double v[3])
{
    return is_lms(o) ? LMS_TO_XYZ2012[3] * v[0] + LMS_TO_XYZ2012[4] * v[1] : v[1];
}

vfx_status
vfx_spectral_white(vfx_observer o, vfx_spd s, double out[3])
{
    const vfx__spectral_table *t = observer_table(o);
    if (!t || !out)
        return vfx__fail(VFX_ERR_ARG, "spectral: bad observer %d or NULL out", (int) o);
    double w[3] = { 0, 0, 0 };
    for (int32_t i = 0; i < t->n; i++) { /* the observer tables are at 1 nm */
        double e;
        VFX_TRY(vfx_spd_sample(s, t->start_nm + t->step_nm * i, &e));
        for (int c = 0; c < 3; c++)
            w[c] += e * t->v[(size_t) i * 3 + (size_t) c];
    }
    double y = luminance(o, w);
    if (!(y > 0.0))
        return vfx__fail(VFX_ERR_ARG, "spectral: the white has no luminance");
    for (int c = 0; c < 3; c++)
        out[c] = w[c] / y;
    return VFX_OK;
}

static vfx_status
check_space(const vfx_spectral_space *s)
{
    if (!s)
        return vfx__fail(VFX_ERR_ARG, "spectral: NULL space");
    if (s->size < sizeof(vfx_spectral_space))
        return vfx__fail(VFX_ERR_ARG, "spectral: space.size %zu is too small (start from "
                                      "VFX_VSF_RGB_INIT)", s->size);
    if (!observer_table(s->observer) || (unsigned) s->white >= VFX_SPD_COUNT)
        return vfx__fail(VFX_ERR_ARG, "spectral: bad observer %d or white %d", (int) s->observer,
                         (int) s->white);
    return VFX_OK;
}

vfx_status
vfx_spectral_rgb_to_observer_matrix(const vfx_spectral_space *s, double m_out[9])
{
    VFX_TRY(check_space(s));
    if (!m_out)
        return vfx__fail(VFX_ERR_ARG, "spectral: NULL out");
    double p[9], pi[9], w[3], k[3];
    for (int c = 0; c < 3; c++) {
        double v[3];
        VFX_TRY(vfx_observer_sample(s->observer, s->wavelength_nm[c], v));
        for (int r = 0; r < 3; r++)
            p[3 * r + c] = v[r];
    }
    VFX_TRY(vfx_spectral_white(s->observer, s->white, w));
    if (vfx_mat3_invert(p, pi) != VFX_OK)
        return vfx__fail(VFX_ERR_ARG, "spectral: primaries %g/%g/%g nm are not independent",
                         s->wavelength_nm[0], s->wavelength_nm[1], s->wavelength_nm[2]);
    for (int r = 0; r < 3; r++)
        k[r] = pi[3 * r] * w[0] + pi[3 * r + 1] * w[1] + pi[3 * r + 2] * w[2];
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            m_out[3 * r + c] = p[3 * r + c] * k[c];
    return VFX_OK;
}

vfx_status
vfx_spectral_rgb_to_xyz_matrix(const vfx_spectral_space *s, double m_out[9])
{
    double m[9];
    VFX_TRY(vfx_spectral_rgb_to_observer_matrix(s, m));
    if (is_lms(s->observer))
        vfx_mat3_mul(LMS_TO_XYZ2012, m, m_out);
    else
        memcpy(m_out, m, sizeof m);
    return VFX_OK;
}

static vfx_status
xyz_to_xy(const double xyz[3], double xy[2])
{
    double sum = xyz[0] + xyz[1] + xyz[2];
    if (!(fabs(sum) > 0.0))
        return vfx__fail(VFX_ERR_ARG, "spectral: a colour with X + Y + Z = 0 has no chromaticity");
    xy[0] = xyz[0] / sum;
    xy[1] = xyz[1] / sum;
    return VFX_OK;
}

vfx_status
vfx_spectral_chromaticities(const vfx_spectral_space *s, vfx_chromaticities *out)
{
    double m[9];
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "spectral: NULL out");
    VFX_TRY(vfx_spectral_rgb_to_xyz_matrix(s, m));
    double *dst[4] = { out->red, out->green, out->blue, out->white };
    for (int c = 0; c < 3; c++) {
        double v[3] = { m[c], m[3 + c], m[6 + c] };
        VFX_TRY(xyz_to_xy(v, dst[c]));
    }
    double w[3] = { m[0] + m[1] + m[2], m[3] + m[4] + m[5], m[6] + m[7] + m[8] };
    return xyz_to_xy(w, out->white);
}

/* XYZ of the observer -> observer space: identity for the XYZ observers, CIE 170-2 inverse
 * for LMS. */
static vfx_status
xyz_to_observer(vfx_observer o, double m_out[9])
{
    static const double id[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
    if (is_lms(o))
        return vfx_mat3_invert(LMS_TO_XYZ2012, m_out);
    memcpy(m_out, id, sizeof id);
    return VFX_OK;
}

/* The observer-space matrix that adapts white ws to white wd (both in the observer space). */
static vfx_status
adaptation(vfx_observer o, vfx_spectral_adapt adapt, const double ws[3], const double wd[3],
           double m_out[9])
{
    static const double id[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
    memcpy(m_out, id, sizeof id);
    if (adapt == VFX_SPECTRAL_ADAPT_NONE)
        return VFX_OK;
    if (adapt == VFX_SPECTRAL_ADAPT_VON_KRIES && is_lms(o)) {
        for (int c = 0; c < 3; c++) {
            if (!(ws[c] > 0.0))
                return vfx__fail(VFX_ERR_ARG, "spectral: a white with a zero cone signal");
            m_out[4 * c] = wd[c] / ws[c];
        }
        return VFX_OK;
    }
    if (adapt != VFX_SPECTRAL_ADAPT_VON_KRIES && adapt != VFX_SPECTRAL_ADAPT_BRADFORD)
        return vfx__fail(VFX_ERR_ARG, "spectral: bad adaptation %d", (int) adapt);
    /* in XYZ (the observer's own, or CIE 2012 XYZ for LMS) with the colour engine's CATs */
    double to_xyz[9], from_xyz[9], a[9], t[9], xs[3], xd[3], xys[2], xyd[2];
    if (is_lms(o))
        memcpy(to_xyz, LMS_TO_XYZ2012, sizeof to_xyz);
    else
        memcpy(to_xyz, id, sizeof id);
    VFX_TRY(xyz_to_observer(o, from_xyz));
    for (int r = 0; r < 3; r++) {
        xs[r] = to_xyz[3 * r] * ws[0] + to_xyz[3 * r + 1] * ws[1] + to_xyz[3 * r + 2] * ws[2];
        xd[r] = to_xyz[3 * r] * wd[0] + to_xyz[3 * r + 1] * wd[1] + to_xyz[3 * r + 2] * wd[2];
    }
    VFX_TRY(xyz_to_xy(xs, xys));
    VFX_TRY(xyz_to_xy(xd, xyd));
    VFX_TRY(vfx_adaptation_matrix(adapt == VFX_SPECTRAL_ADAPT_BRADFORD ? VFX_CAT_BRADFORD
                                                                       : VFX_CAT_VON_KRIES,
                                  xys, xyd, a));
    vfx_mat3_mul(a, to_xyz, t);
    vfx_mat3_mul(from_xyz, t, m_out);
    return VFX_OK;
}

static void
white_of(const double m[9], double w[3])
{
    for (int r = 0; r < 3; r++)
        w[r] = m[3 * r] + m[3 * r + 1] + m[3 * r + 2];
}

/* dst^-1 * A(white src -> white dst) * src, all "RGB -> observer space" matrices. */
static vfx_status
connect(vfx_observer o, const double src[9], const double dst[9], vfx_spectral_adapt adapt,
        double m_out[9])
{
    double ws[3], wd[3], a[9], di[9], t[9];
    white_of(src, ws);
    white_of(dst, wd);
    VFX_TRY(adaptation(o, adapt, ws, wd, a));
    if (vfx_mat3_invert(dst, di) != VFX_OK)
        return vfx__fail(VFX_ERR_ARG, "spectral: singular destination space");
    vfx_mat3_mul(a, src, t);
    vfx_mat3_mul(di, t, m_out);
    return VFX_OK;
}

vfx_status
vfx_spectral_rgb_to_rgb_matrix(const vfx_spectral_space *src, const vfx_spectral_space *dst,
                               vfx_spectral_adapt adapt, double m_out[9])
{
    double ms[9], md[9];
    VFX_TRY(check_space(src));
    VFX_TRY(check_space(dst));
    if (!m_out)
        return vfx__fail(VFX_ERR_ARG, "spectral: NULL out");
    if (src->observer != dst->observer)
        return vfx__fail(VFX_ERR_ARG, "spectral: spaces seen by different observers (%s, %s)",
                         vfx_observer_name(src->observer), vfx_observer_name(dst->observer));
    VFX_TRY(vfx_spectral_rgb_to_observer_matrix(src, ms));
    VFX_TRY(vfx_spectral_rgb_to_observer_matrix(dst, md));
    return connect(src->observer, ms, md, adapt, m_out);
}

/* Legacy RGB -> the observer's space (its 1931 XYZ read as the observer's XYZ). */
static vfx_status
legacy_to_observer(vfx_primaries p, vfx_observer o, double m_out[9])
{
    vfx_chromaticities c;
    double l[9], t[9];
    VFX_TRY(vfx_primaries_get(p, &c));
    VFX_TRY(vfx_rgb_to_xyz_matrix(&c, l));
    VFX_TRY(xyz_to_observer(o, t));
    vfx_mat3_mul(t, l, m_out);
    return VFX_OK;
}

vfx_status
vfx_spectral_to_legacy_matrix(const vfx_spectral_space *src, vfx_primaries dst,
                              vfx_spectral_adapt adapt, double m_out[9])
{
    double ms[9], md[9];
    if (!m_out)
        return vfx__fail(VFX_ERR_ARG, "spectral: NULL out");
    VFX_TRY(vfx_spectral_rgb_to_observer_matrix(src, ms));
    VFX_TRY(legacy_to_observer(dst, src->observer, md));
    return connect(src->observer, ms, md, adapt, m_out);
}

vfx_status
vfx_legacy_to_spectral_matrix(vfx_primaries src, const vfx_spectral_space *dst,
                              vfx_spectral_adapt adapt, double m_out[9])
{
    double ms[9], md[9];
    if (!m_out)
        return vfx__fail(VFX_ERR_ARG, "spectral: NULL out");
    VFX_TRY(vfx_spectral_rgb_to_observer_matrix(dst, md));
    VFX_TRY(legacy_to_observer(src, dst->observer, ms));
    return connect(dst->observer, ms, md, adapt, m_out);
}
