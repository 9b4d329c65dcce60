#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* Paths live in rotating static buffers, one ring per kind, so a scratch path can never
 * turn into a test-data path under a caller that holds it across other calls (a test once
 * deleted a shared file that way). Hold a path across more than 32 calls: copy it. */
typedef struct ring {
    char bufs[32][4096];
    int  k;
} ring;

static const char *
join(ring *r, const char *dir, const char *rel)
{
    char *b = r->bufs[r->k++ & 31];
    snprintf(b, 4096, "%s/%s", dir, rel);
    return b;
}

static ring data_ring, ref_ring, tmp_ring;

const char *
test_data(const char *rel)
{
    const char *d = getenv("VFX_TESTDATA_DIR");
    return join(&data_ring, d ? d : VFX_TESTDATA_DIR, rel);
}

const char *
test_ref(const char *rel)
{
    const char *d = getenv("VFX_REF_DIR");
    return join(&ref_ring, d ? d : VFX_REF_DIR, rel);
}

const char *
test_tmp(const char *name)
{
    const char *d = getenv("VFX_TEST_TMP");
    if (!d)
        d = VFX_BINARY_DIR "/tests/tmp";
    /* one folder per test (CTest sets it), so tests running in parallel never see each
     * other's temporary files */
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", d);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = 0;
        mkdir(parent, 0777);
    }
    mkdir(d, 0777);
    return join(&tmp_ring, d, name);
}

void
test_require(int cond, const char *why)
{
    if (!cond) {
        fprintf(stderr, "SKIP: %s\n", why);
        exit(77);
    }
}

int
test_have_tool(const char *name)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

int
test_run(const char *cmd, char *out, size_t cap)
{
    FILE *f = popen(cmd, "r");
    if (!f)
        return -1;
    size_t n = 0;
    if (out && cap) {
        size_t got;
        while (n + 1 < cap && (got = fread(out + n, 1, cap - 1 - n, f)) > 0)
            n += got;
        out[n] = 0;
    }
    char sink[4096];
    while (fread(sink, 1, sizeof sink, f) > 0) {
    }
    int st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void *
test_read_file(const char *path, size_t *size_out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *p = malloc(n > 0 ? (size_t) n : 1);
    if (p && n > 0 && fread(p, 1, (size_t) n, f) != (size_t) n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    if (p && size_out)
        *size_out = (size_t) n;
    return p;
}
