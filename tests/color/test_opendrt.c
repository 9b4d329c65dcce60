/* OpenDRT v1.0.0 Base: golden vectors from the real CTL (shared/ref/opendrt/vectors.json),
 * solver constants from ALGORITHM.md, other peaks, encodings and bad parameters. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "mini_json.h"
#include "color/drt_int.h"
#include "core/core_int.h"

#define TOL_ABS 2e-6
#define TOL_REL 2e-5

static js *
load_vectors(void)
{
    size_t size = 0;
    char *text = test_read_file(test_ref("opendrt/vectors.json"), &size);
    assert_non_null(text);
    js *doc = calloc(1, sizeof *doc);
    assert_non_null(doc);
    const char *end = js_parse(text, doc);
    free(text);
    assert_non_null(end);
    return doc;
}

static double
num(const js *obj, const char *key)
{
    const js *v = js_get(obj, key);
    if (!v || (v->type != JS_NUM && v->type != JS_BOOL)) {
        print_error("parameter %s missing\n", key);
        fail();
    }
    return v->num;
}

/* The file's Base parameters must be ours, and every module Base leaves off must be off. */
static void
check_base_parameters(const js *prm, const vfx_opendrt_params *o)
{
    assert_string_equal(js_get(prm, "look_preset")->str, "Base");
    assert_string_equal(js_get(prm, "cwp")->str, "D65");
    assert_true(num(prm, "tn_Lg") == o->grey_nits);
    assert_true(num(prm, "tn_con") == o->contrast);
    assert_true(num(prm, "tn_sh") == o->shoulder);
    assert_true(num(prm, "tn_toe") == o->toe);
    assert_true(num(prm, "tn_off") == o->offset);
    assert_true(num(prm, "tn_gb") == o->hdr_grey_boost);
    assert_true(num(prm, "pt_hdr") == o->hdr_purity);
    assert_true(num(prm, "rs_sa") == o->rs_strength);
    assert_true(num(prm, "rs_rw") == o->rs_weights[0]);
    assert_true(num(prm, "rs_bw") == o->rs_weights[1]);
    assert_true(num(prm, "pt_r") == o->purity_weights[0]);
    assert_true(num(prm, "pt_g") == o->purity_weights[1]);
    assert_true(num(prm, "pt_b") == o->purity_weights[2]);
    assert_true(num(prm, "pt_rng_low") == o->purity_range_low);
    assert_true(num(prm, "pt_rng_high") == o->purity_range_high);
    assert_true(num(prm, "ptl_enable") == (double) o->purity_compress_low);
    assert_true(num(prm, "exposure_gain") == 1.0);
    assert_true(num(prm, "clamp") == 1.0);
    static const char *const off[] = { "tn_hcon_enable", "tn_lcon_enable", "ptm_enable",
                                       "brl_enable", "hs_rgb_enable", "hs_cmy_enable",
                                       "hc_enable" };
    for (size_t i = 0; i < sizeof off / sizeof *off; i++)
        assert_true(num(prm, off[i]) == 0.0);
}

static void
golden_vectors_all_configs(void **state)
{
    (void) state;
    js *doc = load_vectors();
    const js *configs = js_get(doc, "configs");
    assert_non_null(configs);
    assert_int_equal(configs->n, 3);
    /* Step 1 of the reference: P3 -> XYZ -> P3 through the published (rounded) matrices. */
    static const double p3_xyz[9] = { 0.486571133137, 0.265667706728, 0.198217317462,
                                      0.228974640369, 0.691738605499, 0.079286918044,
                                      0.0,            0.045113388449, 1.043944478035 };
    static const double xyz_p3[9] = { 2.49349691194,   -0.931383617919, -0.402710784451,
                                      -0.829488969562, 1.76266406032,   0.023624685842,
                                      0.035845830244,  -0.076172389268, 0.956884524008 };
    int n_checked = 0;
    for (int c = 0; c < configs->n; c++) {
        const js *cfg = &configs->kid[c];
        const js *prm = js_get(cfg, "parameters");
        const js *vec = js_get(cfg, "vectors");
        const char *name = js_get(cfg, "name")->str;
        vfx_opendrt_params o = VFX_OPENDRT_PARAMS_INIT;
        check_base_parameters(prm, &o);
        assert_string_equal(js_get(prm, "in_gamut")->str, "P3D65");
        o.peak_nits = num(prm, "tn_Lp");
        const char *gamut = js_get(prm, "display_gamut")->str;
        if (!strcmp(gamut, "rec709"))
            o.display_gamut = VFX_OPENDRT_GAMUT_REC709;
        else if (!strcmp(gamut, "rec2020"))
            o.display_gamut = VFX_OPENDRT_GAMUT_REC2020;
        else
            fail_msg("unknown gamut %s", gamut);
        int eotf = (int) num(cfg, "dctl_eotf_index");
        assert_true(eotf == 0 || eotf == 4);
        o.clamp = eotf == 4 ? VFX_OPENDRT_CLAMP_PQ_RANGE : VFX_OPENDRT_CLAMP_PEAK;

        vfx_color_processor *p = NULL;
        assert_int_equal(vfx_color_processor_new(&p), VFX_OK);
        assert_int_equal(vfx_color_processor_append_matrix(p, p3_xyz, NULL), VFX_OK);
        assert_int_equal(vfx_color_processor_append_matrix(p, xyz_p3, NULL), VFX_OK);
        assert_int_equal(vfx_color_processor_append_opendrt(p, &o), VFX_OK);
        assert_int_equal(vfx_color_processor_optimize(p), VFX_OK);
        assert_int_equal(vfx_color_processor_op_count(p), 2); /* matrices fused */
        assert_int_equal(vfx_color_processor_op_code(p, 1), VFX_COLOR_OP_OPENDRT);

        int n = vec->n;
        float *buf = calloc((size_t) n * 3, sizeof(float));
        assert_non_null(buf);
        for (int i = 0; i < n; i++) {
            double in[3];
            assert_int_equal(js_numbers(js_get(&vec->kid[i], "in"), in, 3), 3);
            for (int k = 0; k < 3; k++)
                buf[3 * i + k] = (float) in[k];
        }
        /* the double-precision reference path on the same inputs (P3 in, no step-1 matrices) */
        float *pl = calloc((size_t) n * 3, sizeof(float));
        assert_non_null(pl);
        for (int i = 0; i < n; i++)
            for (int k = 0; k < 3; k++)
                pl[k * n + i] = buf[3 * i + k];
        vfx__opendrt d;
        assert_int_equal(vfx__opendrt_build(&o, &d), VFX_OK);
        vfx__opendrt_span_f64(&d, pl, pl + n, pl + 2 * n, n);
        assert_int_equal(vfx_color_processor_apply_f32(p, buf, 3, 0, 0, n, 1), VFX_OK);
        double max_abs = 0.0, max_rel = 0.0, worst = 0.0;
        int fails = 0;
        for (int i = 0; i < n; i++) {
            double want[3];
            assert_int_equal(js_numbers(js_get(&vec->kid[i], "out"), want, 3), 3);
            for (int k = 0; k < 3; k++) {
                double got = buf[3 * i + k], err = fabs(got - want[k]);
                double rel = want[k] != 0.0 ? err / fabs(want[k]) : 0.0;
                max_abs = fmax(max_abs, err);
                if (err > 1e-7)
                    max_rel = fmax(max_rel, rel);
                worst = fmax(worst, err / (TOL_ABS + TOL_REL * fabs(want[k])));
                double e64 = fabs(pl[k * n + i] - want[k]);
                if (!(e64 <= TOL_ABS + TOL_REL * fabs(want[k])))
                    fail_msg("%s #%d ch %d: f64 path %.9g want %.9g", name, i, k, pl[k * n + i],
                             want[k]);
                if (!(err <= TOL_ABS + TOL_REL * fabs(want[k]))) {
                    print_error("%s #%d (%s) ch %d: got %.9g want %.9g\n", name, i,
                                js_get(&vec->kid[i], "tag")->str, k, got, want[k]);
                    fails++;
                }
            }
            n_checked++;
        }
        printf("%-28s %2d vectors: max abs err %.3g, max rel err (abs > 1e-7) %.3g, "
               "worst/tolerance %.3f\n", name, n, max_abs, max_rel, worst);
        free(buf);
        free(pl);
        vfx_color_processor_free(p);
        assert_int_equal(fails, 0);
    }
    assert_int_equal(n_checked, 192);
    js_free(doc);
    free(doc);
}

/* ALGORITHM.md §1 table (float64). */
static void
solver_constants_match_table(void **state)
{
    (void) state;
    static const struct {
        double lp, y0, s0, s10, m1, m2, s, dsc, f, s_100, s1;
    } t[] = {
        { 100, 0.111, 0.11392302628245135, 0.6694179303603429, 1.0073294089267302,
          1.0103205272355396, 0.6756704823737876, 1.0, 0.0, 0.685335783526824,
          0.685335783526824 },
        { 1000, 0.15893542240922465, 0.16188083753365862, 0.480895664969961, 10.05263745578589,
          10.055636561032417, 3.2566850820729676, 0.1, 0.5, 0.685335783526824,
          1.9710104327998959 },
    };
    for (size_t i = 0; i < 2; i++) {
        vfx_opendrt_params o = VFX_OPENDRT_PARAMS_INIT;
        vfx_opendrt_constants k;
        o.peak_nits = t[i].lp;
        assert_int_equal(vfx_opendrt_solve(&o, &k), VFX_OK);
        const double got[] = { k.y0, k.s0, k.s10, k.m1, k.m2, k.s, k.display_scale,
                               k.purity_mix, k.s_100, k.s1 };
        const double want[] = { t[i].y0, t[i].s0, t[i].s10, t[i].m1, t[i].m2, t[i].s,
                                t[i].dsc, t[i].f, t[i].s_100, t[i].s1 };
        for (size_t j = 0; j < sizeof got / sizeof *got; j++)
            if (!(fabs(got[j] - want[j]) <= 1e-13 * fmax(1.0, fabs(want[j]))))
                fail_msg("peak %g constant %zu: %.17g vs %.17g", t[i].lp, j, got[j], want[j]);
        assert_true(k.x1 == 128.0);
    }
}

/* For any peak: grey lands on y0 * 100 / peak, the curve is monotonic and reaches the peak. */
static void
other_peaks_grey_and_shoulder(void **state)
{
    (void) state;
    static const double peaks[] = { 48, 100, 203, 300, 600, 1000, 2000, 4000, 10000 };
    for (size_t i = 0; i < sizeof peaks / sizeof *peaks; i++) {
        vfx_opendrt_params o = VFX_OPENDRT_PARAMS_INIT;
        o.peak_nits = peaks[i];
        o.display_gamut = VFX_OPENDRT_GAMUT_P3_D65;
        vfx_opendrt_constants k;
        assert_int_equal(vfx_opendrt_solve(&o, &k), VFX_OK);
        double y0 = 0.111 * (1.0 + 0.13 * log2(peaks[i] / 100.0));
        assert_true(fabs(k.y0 - y0) < 1e-15);
        vfx_color_processor *p = NULL;
        assert_int_equal(vfx_color_processor_new(&p), VFX_OK);
        assert_int_equal(vfx_color_processor_append_opendrt(p, &o), VFX_OK);
        float grey[3] = { 0.18f, 0.18f, 0.18f };
        vfx_color_processor_apply_rgb(p, grey);
        for (int c = 0; c < 3; c++)
            assert_true(fabs(grey[c] - y0 * 100.0 / peaks[i]) <= 1e-6 * y0);
        float prev = 0.0f;
        for (double x = 1e-4; x < 1e5; x *= 1.5) {
            float v[3] = { (float) x, (float) x, (float) x };
            vfx_color_processor_apply_rgb(p, v);
            assert_true(v[0] >= prev && v[0] <= 1.0f);
            prev = v[0];
        }
        assert_true(prev > 0.999f); /* scene 10^5 sits at the peak */
        vfx_color_processor_free(p);
    }
}

static void
view_encodings(void **state)
{
    (void) state;
    vfx_color_processor *p = NULL;
    /* SDR sRGB: grey -> sRGB(0.111); from Rec.709 input, grey is still grey */
    assert_int_equal(vfx_opendrt_processor_new(VFX_PRIMARIES_REC709, NULL, VFX_TRANSFER_SRGB, &p),
                     VFX_OK);
    float v[3] = { 0.18f, 0.18f, 0.18f };
    vfx_color_processor_apply_rgb(p, v);
    double want = vfx_transfer_encode(VFX_TRANSFER_SRGB, 0.111);
    for (int c = 0; c < 3; c++)
        assert_true(fabs(v[c] - want) < 2e-6);
    vfx_color_processor_free(p);

    /* PQ 1000 nits: grey = 15.89 nits absolute */
    vfx_opendrt_params o = VFX_OPENDRT_PARAMS_INIT;
    o.peak_nits = 1000.0;
    o.display_gamut = VFX_OPENDRT_GAMUT_REC2020;
    assert_int_equal(vfx_opendrt_processor_new(VFX_PRIMARIES_DISPLAY_P3, &o, VFX_TRANSFER_PQ, &p),
                     VFX_OK);
    float w[3] = { 0.18f, 0.18f, 0.18f }, hi[3] = { 1e4f, 1e4f, 1e4f };
    vfx_color_processor_apply_rgb(p, w);
    vfx_color_processor_apply_rgb(p, hi);
    assert_true(fabs(w[1] - vfx_transfer_encode(VFX_TRANSFER_PQ, 0.15893542240922465)) < 3e-6);
    assert_true(fabs(hi[1] - vfx_transfer_encode(VFX_TRANSFER_PQ, 10.0)) < 3e-6);
    vfx_color_processor_free(p);

    /* HLG 1000 nits: the peak encodes to signal 1 */
    assert_int_equal(vfx_opendrt_processor_new(VFX_PRIMARIES_DISPLAY_P3, &o, VFX_TRANSFER_HLG, &p),
                     VFX_OK);
    float h[3] = { 1e5f, 1e5f, 1e5f };
    vfx_color_processor_apply_rgb(p, h);
    assert_true(fabs(h[0] - 1.0) < 1e-4);
    vfx_color_processor_free(p);

    /* a log curve is not a display encoding */
    assert_int_equal(vfx_opendrt_processor_new(VFX_PRIMARIES_DISPLAY_P3, NULL, VFX_TRANSFER_LOGC3,
                                               &p), VFX_ERR_ARG);
    assert_null(p);
}

static void
bad_parameters_and_inverse(void **state)
{
    (void) state;
    vfx_opendrt_constants k;
    vfx_opendrt_params o = VFX_OPENDRT_PARAMS_INIT;
    o.peak_nits = 0.0;
    assert_int_equal(vfx_opendrt_solve(&o, &k), VFX_ERR_ARG);
    assert_non_null(strstr(vfx_error_message(), "peak_nits"));
    o = (vfx_opendrt_params) VFX_OPENDRT_PARAMS_INIT;
    o.creative_white = VFX_WHITE_D50;
    assert_int_equal(vfx_opendrt_solve(&o, &k), VFX_ERR_UNSUPPORTED);
    o = (vfx_opendrt_params) VFX_OPENDRT_PARAMS_INIT;
    o.size = 8;
    assert_int_equal(vfx_opendrt_solve(&o, &k), VFX_ERR_ARG);
    o = (vfx_opendrt_params) VFX_OPENDRT_PARAMS_INIT;
    o.rs_strength = 1.0;
    vfx_color_processor *p = NULL, *q = NULL;
    assert_int_equal(vfx_color_processor_new(&p), VFX_OK);
    assert_int_equal(vfx_color_processor_append_opendrt(p, &o), VFX_ERR_ARG);
    assert_int_equal(vfx_color_processor_op_count(p), 0);
    o.rs_strength = 0.35;
    assert_int_equal(vfx_color_processor_append_opendrt(p, &o), VFX_OK);
    assert_string_equal(vfx_color_op_name(vfx_color_processor_op_code(p, 0)), "opendrt");
    assert_int_equal(vfx_color_processor_inverse(p, &q), VFX_ERR_UNSUPPORTED);
    assert_null(q);
    assert_int_equal(vfx_color_processor_copy(p, &q), VFX_OK);
    float a[3] = { 0.3f, 0.2f, 0.1f }, b[3] = { 0.3f, 0.2f, 0.1f };
    vfx_color_processor_apply_rgb(p, a);
    vfx_color_processor_apply_rgb(q, b);
    assert_memory_equal(a, b, sizeof a);
    vfx_color_processor_free(q);
    vfx_color_processor_free(p);
}


/* Every allocation of the builder fails once in turn: NOMEM, nothing leaked, *out NULL. */
static void
oom_sweep(vfx_status (*fn)(vfx_color_processor **out), const char *what)
{
    int64_t live0 = vfx__alloc_live();
    for (int64_t nth = 1; nth < 1000; nth++) {
        vfx_color_processor *p = NULL;
        vfx__alloc_fail_nth(nth);
        vfx_status s = fn(&p);
        vfx__alloc_fail_nth(0);
        if (s == VFX_OK) {
            assert_true(nth > 1); /* at least one allocation was swept */
            vfx_color_processor_free(p);
            assert_int_equal(vfx__alloc_live(), live0);
            return;
        }
        if (s != VFX_ERR_NOMEM)
            fail_msg("%s: allocation %lld failing gave %s", what, (long long) nth, vfx_status_name(s));
        assert_null(p);
        if (vfx__alloc_live() != live0)
            fail_msg("%s: leak after failing allocation %lld", what, (long long) nth);
    }
    fail_msg("%s: never succeeded", what);
}

static vfx_status
build_hdr_view(vfx_color_processor **out)
{
    return vfx_opendrt_view_new("OpenDRT HDR Rec.2100 HLG 1000 nits", VFX_PRIMARIES_ACES_AP0, out);
}

static void
builders_survive_oom(void **state)
{
    (void) state;
    oom_sweep(build_hdr_view, "opendrt HLG view");
}

static void
named_views(void **state)
{
    (void) state;
    vfx_color_processor *p = NULL, *q = NULL;
    int32_t n = 0;
    while (vfx_opendrt_view_name(n))
        n++;
    assert_true(n >= 9);
    for (int32_t i = 0; i < n; i++) {
        assert_int_equal(vfx_opendrt_view_new(vfx_opendrt_view_name(i), VFX_PRIMARIES_ACES_AP0, &p),
                         VFX_OK);
        float v[3] = { 0.18f, 0.18f, 0.18f };
        vfx_color_processor_apply_rgb(p, v);
        assert_true(v[0] > 0.0f && v[0] < 1.0f);
        vfx_color_processor_free(p);
    }
    /* preset and general form give the same processor */
    assert_int_equal(vfx_opendrt_view_new("opendrt sdr srgb", VFX_PRIMARIES_REC709, &p), VFX_OK);
    assert_int_equal(vfx_opendrt_view_new("vfx:opendrt:100:rec709:srgb", VFX_PRIMARIES_REC709, &q),
                     VFX_OK);
    float a[3] = { 0.7f, 0.2f, 0.05f }, b[3] = { 0.7f, 0.2f, 0.05f };
    vfx_color_processor_apply_rgb(p, a);
    vfx_color_processor_apply_rgb(q, b);
    assert_memory_equal(a, b, sizeof a);
    vfx_color_processor_free(p);
    vfx_color_processor_free(q);
    assert_int_equal(vfx_opendrt_view_new("vfx:opendrt:600:p3d65:pq", VFX_PRIMARIES_DISPLAY_P3, &p),
                     VFX_OK);
    vfx_color_processor_free(p);
    /* the DCTL's PQ clamp keeps an overshoot above the peak that the default clamps */
    assert_int_equal(vfx_opendrt_view_new("vfx:opendrt:1000:rec2020:linear:pqrange",
                                          VFX_PRIMARIES_DISPLAY_P3, &p), VFX_OK);
    assert_int_equal(vfx_opendrt_view_new("vfx:opendrt:1000:rec2020:linear", VFX_PRIMARIES_DISPLAY_P3,
                                          &q), VFX_OK);
    float y1[3] = { 1000.0f, 1000.0f, 0.0f }, y2[3] = { 1000.0f, 1000.0f, 0.0f };
    vfx_color_processor_apply_rgb(p, y1);
    vfx_color_processor_apply_rgb(q, y2);
    float m1 = fmaxf(y1[0], fmaxf(y1[1], y1[2])), m2 = fmaxf(y2[0], fmaxf(y2[1], y2[2]));
    assert_true(m1 > 1.0f && m2 <= 1.0f);
    vfx_color_processor_free(p);
    vfx_color_processor_free(q);
    assert_int_equal(vfx_opendrt_view_new("vfx:opendrt:1000:rec2020:pq:sometimes",
                                          VFX_PRIMARIES_DISPLAY_P3, &p), VFX_ERR_NOT_FOUND);
    assert_int_equal(vfx_opendrt_view_new("OpenDRT SDR", VFX_PRIMARIES_REC709, &p),
                     VFX_ERR_NOT_FOUND);
    assert_null(p);
    assert_int_equal(vfx_opendrt_view_new("vfx:opendrt:100:rec709:acescct", VFX_PRIMARIES_REC709,
                                          &p), VFX_ERR_ARG);
    assert_int_equal(vfx_opendrt_view_new("vfx:opendrt:0:rec709:srgb", VFX_PRIMARIES_REC709, &p),
                     VFX_ERR_ARG);
}

/* The vectorised f32 kernel against the plain double version on a million random pixels
 * (log-spread magnitudes 2^-14..2^14; one channel in 16 negative, down to -4.8: beyond that,
 * e.g. (170, 0.3, -718), both versions only agree to ~5e-5 relative, which is float32
 * conditioning, as in the float32 reference), for every display gamut and several peaks. */
static void
f32_kernel_matches_f64(void **state)
{
    (void) state;
    enum { N = 1 << 17 };
    float *r = malloc(3 * N * sizeof(float)), *g = r + N, *b = g + N;
    assert_non_null(r);
    static const double peaks[] = { 100, 1000, 4000 };
    uint64_t st = 88172645463325252u;
    double worst = 0.0, max_abs = 0.0;
    for (int gm = 0; gm < 3; gm++) {
        for (size_t pk = 0; pk < 3; pk++) {
            vfx_opendrt_params o = VFX_OPENDRT_PARAMS_INIT;
            o.display_gamut = (vfx_opendrt_gamut) gm;
            o.peak_nits = peaks[pk];
            o.clamp = pk == 1 ? VFX_OPENDRT_CLAMP_PQ_RANGE : VFX_OPENDRT_CLAMP_PEAK;
            vfx__opendrt d;
            assert_int_equal(vfx__opendrt_build(&o, &d), VFX_OK);
            float *in[3] = { r, g, b };
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < N; i++) {
                    st ^= st << 13;
                    st ^= st >> 7;
                    st ^= st << 17;
                    double u = (double) (st >> 11) / 9007199254740992.0;
                    double v = exp2(-14.0 + 28.0 * u);
                    in[c][i] = (float) ((st & 15u) < 1 ? -0.3 * fmin(v, 16.0) : v);
                }
            float *fr = malloc(3 * N * sizeof(float));
            assert_non_null(fr);
            memcpy(fr, r, 3 * N * sizeof(float));
            float *in0 = malloc(3 * N * sizeof(float));
            memcpy(in0, r, 3 * N * sizeof(float));
            vfx__opendrt_span(&d, r, g, b, N);
            vfx__opendrt_span_f64(&d, fr, fr + N, fr + 2 * N, N);
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < N; i++) {
                    double want = fr[c * N + i], got = in[c][i], e = fabs(got - want);
                    double q = e / (TOL_ABS + TOL_REL * fabs(want));
                    max_abs = fmax(max_abs, e);
                    if (q > worst && q > 1.0)
                        fail_msg("gamut %d peak %g: in %.9g %.9g %.9g ch %d: %.9g vs f64 %.9g\n", gm,
                               peaks[pk], in0[i], in0[N + i], in0[2 * N + i], c, got, want);
                    worst = fmax(worst, q);
                }
            free(fr);
            free(in0);
        }
    }
    printf("f32 kernel vs f64 over %d pixels x 9 configs: max abs %.3g, worst/tolerance %.3f\n",
           N, max_abs, worst);
    free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(golden_vectors_all_configs),
        cmocka_unit_test(solver_constants_match_table),
        cmocka_unit_test(other_peaks_grey_and_shoulder),
        cmocka_unit_test(view_encodings),
        cmocka_unit_test(bad_parameters_and_inverse),
        cmocka_unit_test(named_views),
        cmocka_unit_test(builders_survive_oom),
        cmocka_unit_test(f32_kernel_matches_f64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
