/* Small helpers shared by the cmocka tests. */
#ifndef VFX_TEST_UTIL_H
#define VFX_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vfx/vfx.h"

/** Absolute path of a file under shared/testdata (static buffer, one per call site is fine). */
const char *test_data(const char *rel);
/** Absolute path of a file under shared/ref. */
const char *test_ref(const char *rel);
/** A fresh path under the build's test tmp folder: "<tmp>/<name>" (static rotating buffers). */
const char *test_tmp(const char *name);
/** Exit with 77 (CTest skip) printing why, when @p cond is false. */
void test_require(int cond, const char *why);
/** 1 when a program is on PATH. */
int test_have_tool(const char *name);
/** Run a shell command, capture up to cap-1 bytes of stdout in out (may be NULL).
 *  Returns the exit status (or -1). */
int test_run(const char *cmd, char *out, size_t cap);
/** Read a whole file; caller frees with free(). NULL on error. */
void *test_read_file(const char *path, size_t *size_out);

#endif
