/* Private part of the OpenDRT op: what the processor stores and the per-pixel kernel. */
#ifndef VFX_DRT_INT_H
#define VFX_DRT_INT_H

#include "vfx/opendrt.h"

/** Everything the per-pixel transform reads: the parameters it uses directly plus the
 *  solved constants. Plain data (no pointers), so op lists stay copyable with memcpy. */
typedef struct vfx__opendrt {
    /* tonescale */
    double p;            /* contrast power */
    double s, s1;        /* scene scales of the main and purity tonescales */
    double m2, toe;      /* gain before the toe, toe strength */
    double dsc;          /* display scale (100 / peak) */
    double off;          /* scene offset */
    /* rendering space and purity */
    double sa, w[3];     /* rendering-space strength and weights */
    double pw[3];        /* purity norm weights */
    double inv_rl, rh;   /* 1 / pt_rng_low, pt_rng_high */
    /* display */
    double gamut_m[9];   /* P3-D65 -> display gamut (identity for P3 and "P3 limited" 2020) */
    double post_m[9];    /* after the clamp: P3 -> Rec.2020 for REC2020, else identity */
    double hi;           /* upper clamp (INFINITY with CLAMP_NONE) */
    int32_t gamut_pre;   /* 1 when gamut_m is not the identity */
    int32_t gamut_post;  /* 1 when post_m is not the identity */
    int32_t ptl;         /* purity compress low on */
    int32_t clamp;       /* 0 = no clamp at all */
    /* fast path picked at build for the Base exponent (results equal up to rounding) */
    int32_t rh_root4;    /* rh == 0.25: c^rh as sqrt(sqrt(c)) */
} vfx__opendrt;

/** Fill @p out from @p prm (validated). */
vfx_status vfx__opendrt_build(const vfx_opendrt_params *prm, vfx__opendrt *out);
/** The per-pixel transform on @p n pixels held as planes, in place: the vectorised f32 kernel
 *  the processor runs. Does not fail. */
void vfx__opendrt_span(const vfx__opendrt *d, float *r, float *g, float *b, int n);
/** The same in double precision with libm, pixel by pixel: the reference the f32 kernel is
 *  tested against. Does not fail. */
void vfx__opendrt_span_f64(const vfx__opendrt *d, float *r, float *g, float *b, int n);

#endif
