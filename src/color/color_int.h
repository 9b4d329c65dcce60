/* Private colour-layer definitions: the op list a processor is made of. */
#ifndef VFX_COLOR_INT_H
#define VFX_COLOR_INT_H

#include "core/core_int.h"
#include "vfx/color.h"
#include "color/drt_int.h"

/** One op: a code plus plain parameters (no function pointers), so the list can be
 *  inspected, optimised, inverted and turned into GPU code. Tables are owned by the op. */
typedef struct vfx__color_op {
    vfx_color_op_code code;
    union {
        struct {
            double m[9], offset[3]; /* built and folded in f64 */
        } matrix;
        struct {
            vfx_transfer  tf;
            vfx_direction dir;
        } transfer;
        struct {
            double             gamma[3]; /* already inverted for INVERSE */
            vfx_negative_style style;
        } exponent;
        struct {
            vfx_log_params p;
            vfx_direction  dir;
        } log;
        struct {
            vfx_cdl       cdl;
            vfx_cdl_style style;
            vfx_direction dir;
        } cdl;
        struct {
            double scale, offset;  /* out = in * scale + offset */
            double lo, hi;         /* clamp bounds; -inf / +inf when open */
        } range;
        struct {
            float        *table;   /* n * 3 floats (1-component tables are expanded) */
            int32_t       n;
            vfx_direction dir;
            int32_t       half_domain; /* 1: n == 65536, indexed by the half bits of the input */
            int32_t       hue_adjust;  /* CTF hueAdjust="dw3": keep the hue */
        } lut1d; /* half-domain INVERSE: table holds n * 3 more floats, the sampled inverse */
        struct {
            float     *table;      /* n^3 * 3 floats, red fastest */
            int32_t    n;
            vfx_interp interp;     /* LINEAR or TETRAHEDRAL */
        } lut3d;
        struct {
            double        gamma;
            vfx_direction dir;
        } hlg;
        struct {
            double        gamma[3], offset[3];
            int           mirror;
            vfx_direction dir;
        } moncurve;
        struct {
            double        gain, pivot, power; /* style folded in: gain and pivot final */
            vfx_direction dir;
        } ec;
        struct {
            vfx_fixed_function f;
            double             param;     /* REC2100 gamma; private functions: which curve */
            double             params[7]; /* ACES_GAMUT_COMP_13 */
            vfx_direction      dir;
        } fixed;
        vfx__opendrt drt; /* OPENDRT: not invertible */
        struct {
            vfx_grading_primary v;
            vfx_grading_style   style;
            vfx_direction       dir;
        } gprim;
        struct {
            float            *data;     /* knots and coefficients of the 4 curves (owned) */
            int32_t           n_data;
            int32_t           off[4][4]; /* per curve: knot offset, knot count, coef offset,
                                            coef count (A, B, C blocks); count 0 = identity */
            vfx_grading_style style;
            vfx_direction     dir;
            int32_t           lin_to_log; /* LIN style without bypass */
            int32_t           bypass;     /* all four curves are identities */
        } rgbcurve;
        struct vfx__gtone {
            vfx_grading_tone  v;
            vfx_grading_style style;
            vfx_direction     dir;
            int32_t           bypass;
            /* derived once (OCIO's pre-render values), f32; index [zone][channel R,G,B,M] */
            float mid_x[4][6], mid_y[4][6], mid_m[4][6];
            float hs_x[2][4][3], hs_y[2][4][3], hs_m[2][4][2]; /* [0] highlights, [1] shadows */
            float wb_x[2][4][2], wb_y[2][4][2], wb_m[2][4][2], wb_gain[2][4]; /* [0] whites */
            float sc_x[2][4], sc_y[2][4], sc_m[2][2]; /* [0] top, [1] bottom */
            float pivot;
        } gtone;
    } u;
} vfx__color_op;

struct vfx_color_processor {
    vfx__color_op *ops;
    int32_t        n_ops, cap_ops;
};

/** Append a copy of @p op (tables are deep-copied). */
vfx_status vfx__color_processor_push(vfx_color_processor *p, const vfx__color_op *op);
/** Append @p op taking ownership of its table (freed on failure too). */
vfx_status vfx__color_processor_push_take(vfx_color_processor *p, vfx__color_op *op);
void       vfx__color_op_clear(vfx__color_op *op);

/** Hot kernels are compiled twice, for AVX2 and for the baseline, and the right one is picked
 *  at load time (GCC function multiversioning through an ifunc on x86-64 Linux). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define VFX__MULTIVERSION __attribute__((target_clones("avx2", "default"), optimize("no-trapping-math")))
#else
#define VFX__MULTIVERSION
#endif

/** A half-domain 1D LUT (CLF halfDomain, Discreet 16-bit float input): 65536 entries, entry i
 *  is the output for the half whose bits are i; inputs between two halves interpolate
 *  linearly, as OCIO does. INVERSE is OCIO's default inverse: its exact inverse (the positive
 *  and the negative halves of the domain searched separately) sampled at every half value. */
vfx_status vfx__append_lut1d_half(vfx_color_processor *p, const float *table, int32_t n_components,
                                  vfx_direction dir);

/** GradingPrimary / GradingRGBCurve on f32 planes (grading.c). Do not fail. */
void vfx__grading_primary_span(const vfx__color_op *op, float *r, float *g, float *b, int n);
void vfx__grading_rgb_curve_span(const vfx__color_op *op, float *r, float *g, float *b, int n);
void vfx__grading_tone_span(const vfx__color_op *op, float *r, float *g, float *b, int n);

/** CLF / CTF reader (clf.c): appends the ops of the ProcessList in @p data to @p p. */
vfx_status vfx__parse_clf(const char *data, size_t size, const char *name, vfx_interp interp,
                          vfx_color_processor *p);

/** ACES fixed functions (aces.c). Besides the public ones, two library-private functions
 *  make OCIO's ACES built-ins: the tone-scale B-splines (param = VFX__ACES_SPLINE_*) and
 *  curves OCIO samples on the half-float domain (param = VFX__HALF_CURVE_*). */
#define VFX__FIXED_ACES_SPLINE ((vfx_fixed_function) 64)
#define VFX__FIXED_HALF_CURVE  ((vfx_fixed_function) 65)
enum { VFX__ACES_SPLINE_RRT, VFX__ACES_SPLINE_ODT_48, VFX__ACES_SPLINE_HDR_1000, VFX__ACES_SPLINE_HDR_2000,
       VFX__ACES_SPLINE_HDR_4000, VFX__ACES_SPLINE_HDR_108, VFX__ACES_SPLINE_COUNT };
enum { VFX__HALF_CURVE_ADX, VFX__HALF_CURVE_ROLL_WHITE_D60, VFX__HALF_CURVE_ROLL_WHITE_D65 };
int         vfx__fixed_is_aces(vfx_fixed_function f);
const char *vfx__fixed_aces_name(vfx_fixed_function f);
void        vfx__fixed_aces_span(const vfx__color_op *op, float *r, float *g, float *b, int n);
vfx_status  vfx__color_processor_append_fixed_private(vfx_color_processor *p, vfx_fixed_function f, int id,
                                                      vfx_direction dir);

/** f32 span kernels of transfer functions (transfer.c). */
void vfx__transfer_encode_span(vfx_transfer tf, float *v, size_t n);
void vfx__transfer_decode_span(vfx_transfer tf, float *v, size_t n);
/** LogAffine / LogCamera on f32 for one channel (brk NaN: no linear segment; k its slope). */
void vfx__log_span(float *v, size_t n, double base, double ls, double lo, double ms, double mo,
                   double brk, double k, int forward);
/** CLF monCurve on f32 (vectorised; relative error ~1e-7). */
void vfx__moncurve_span(float *v, size_t n, double gamma, double offset, int mirror, int forward);

#endif
