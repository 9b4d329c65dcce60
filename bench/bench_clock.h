/* Wall and process CPU clocks of the benchmark programs (bench_encode.c, and the codec floors,
 * built on their own by bench/compare/run). The includer defines _POSIX_C_SOURCE. */
#ifndef VFX_BENCH_CLOCK_H
#define VFX_BENCH_CLOCK_H

#include <sys/resource.h>
#include <time.h>

/* Monotonic wall time, seconds. */
static inline double
now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + 1e-9 * (double) t.tv_nsec;
}

/* User + system CPU time of the whole process (all threads), seconds. */
static inline double
cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double) ru.ru_utime.tv_sec + 1e-6 * (double) ru.ru_utime.tv_usec +
           (double) ru.ru_stime.tv_sec + 1e-6 * (double) ru.ru_stime.tv_usec;
}

#endif
