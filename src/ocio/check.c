/* vfx_ocio_config_check(): what OpenColorIO's ociocheck verifies on a loaded config — the
 * roles it needs, and that every colour space, look, display / view and named transform can
 * actually be built (LUT files found and readable, references defined), each problem reported
 * with the config's file:line:column where there is one. */
#include <stdio.h>
#include <string.h>

#include "ocio/ocio_int.h"

typedef struct checker {
    vfx_ocio_check_fn fn;
    void             *ud;
    int32_t           errors, warnings;
} checker;

static void
report(checker *c, int is_error, const char *fmt, const char *a, const char *b)
{
    char msg[2048];
    snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
    if (is_error)
        c->errors++;
    else
        c->warnings++;
    if (c->fn)
        c->fn(c->ud, is_error, msg);
}

/* Build one processor; on failure report "<what>: <message>". */
static void
try_build(checker *c, vfx_status st, vfx_color_processor *p, const char *what)
{
    vfx_color_processor_free(p);
    /* what vfx cannot express (a transform without an inverse, a newer built-in) does not make
     * the config wrong: a warning */
    if (st == VFX_ERR_UNSUPPORTED)
        report(c, 0, "%s: vfx cannot build it: %s", what, vfx_error_message());
    else if (st != VFX_OK)
        report(c, 1, "%s: %s", what, vfx_error_message());
}

VFX_API vfx_status
vfx_ocio_config_check(const vfx_ocio_config *cfg, uint32_t flags, vfx_ocio_check_fn fn, void *ud,
                      int32_t *n_errors_out, int32_t *n_warnings_out)
{
    if (!cfg)
        return vfx__fail(VFX_ERR_ARG, "ocio: NULL config");
    checker c = { fn, ud, 0, 0 };
    char what[1024];
    /* roles: the standard ones are expected; scene_linear is required by v2 configs */
    static const char *const STANDARD[] = { "default", "scene_linear", "data", "reference", "compositing_log",
                                            "color_timing", "color_picking", "matte_paint", "texture_paint" };
    for (size_t i = 0; i < sizeof STANDARD / sizeof STANDARD[0]; i++)
        if (!vfx_ocio_config_role_colorspace(cfg, STANDARD[i])) {
            int required = strcmp(STANDARD[i], "scene_linear") == 0 && cfg->major >= 2;
            report(&c, required, required ? "role '%s' must be defined (OCIO v2 configs)%s"
                                          : "role '%s' is not defined%s", STANDARD[i], NULL);
        }
    const int as21 = (flags & VFX_OCIO_CHECK_AS_OCIO21) != 0;
    if (cfg->major >= 2 && cfg->minor >= 2)
        report(&c, as21, "ocio_profile_version %s is newer than 2.1: OpenColorIO 2.1 cannot load it%s",
               cfg->minor >= 3 ? "2.3 or later" : "2.2", NULL);
    if (cfg->archive)
        report(&c, as21, "%s is an .ocioz archive: OpenColorIO 2.1 cannot load it (2.2 can)%s", cfg->archive, NULL);
    const vfx__ocio_vt *dvt = cfg->default_vt[0] ? vfx__ocio_find_vt(cfg, cfg->default_vt) : NULL;
    if (dvt && !dvt->to_scene && !dvt->from_scene) /* ociocheck 2.1 fails such a config */
        report(&c, 1, "default_view_transform '%s' is display-referred: it must be a scene-referred view "
               "transform%s", dvt->name, NULL);
    /* every colour space to the scene-linear space (the reference when there is no such role) */
    const char *lin = vfx_ocio_config_role_colorspace(cfg, "scene_linear");
    if (!lin)
        lin = vfx_ocio_config_role_colorspace(cfg, "reference");
    for (int32_t i = 0; i < cfg->n_cs; i++) {
        const vfx__ocio_cs *cs = &cfg->cs[i];
        vfx_color_processor *p = NULL;
        snprintf(what, sizeof what, "colour space '%s'", cs->name);
        vfx__ocio_build b = { cfg, 0, 0, 0, 0, 0 };
        VFX_TRY(vfx_color_processor_new(&p));
        vfx_status st = cs->to_ref ? vfx__ocio_build_xf(&b, cs->to_ref, 0, p) : VFX_OK;
        if (st == VFX_OK && cs->from_ref)
            st = vfx__ocio_build_xf(&b, cs->from_ref, 0, p);
        try_build(&c, st, p, what);
        if (st == VFX_OK && lin) {
            p = NULL;
            st = vfx_ocio_processor_new(cfg, cs->name, lin, &p);
            try_build(&c, st, p, what);
        }
    }
    /* looks, in their process space */
    for (int32_t i = 0; i < cfg->n_looks; i++) {
        const vfx__ocio_look *lk = &cfg->looks[i];
        vfx_color_processor *p = NULL;
        snprintf(what, sizeof what, "look '%s'", lk->name);
        const char *ps = lk->process_space[0] ? lk->process_space : lin;
        if (!ps)
            continue;
        vfx_status st = vfx_ocio_look_processor_new(cfg, ps, ps, lk->name, &p);
        try_build(&c, st, p, what);
    }
    /* every display and view (from scene_linear) */
    if (lin)
        for (int32_t d = 0; d < cfg->n_displays; d++)
            for (int32_t v = 0; v < cfg->displays[d].n_views; v++) {
                const char *dn = cfg->displays[d].name, *vn = cfg->displays[d].views[v].name;
                vfx_color_processor *p = NULL;
                snprintf(what, sizeof what, "display '%s', view '%s'", dn, vn);
                vfx_status st = vfx_ocio_display_processor_new(cfg, lin, dn, vn, NULL, VFX_DIR_FORWARD, &p);
                try_build(&c, st, p, what);
            }
    for (int32_t i = 0; i < cfg->n_nts; i++) {
        vfx_color_processor *p = NULL;
        snprintf(what, sizeof what, "named transform '%s'", cfg->nts[i].name);
        vfx_status st = vfx_ocio_named_transform_processor_new(cfg, cfg->nts[i].name, VFX_DIR_FORWARD, &p);
        try_build(&c, st, p, what);
    }
    if (n_errors_out)
        *n_errors_out = c.errors;
    if (n_warnings_out)
        *n_warnings_out = c.warnings;
    return VFX_OK;
}
