/* Private: the spectral tables generated at build time (cmake/Spectral.cmake). */
#ifndef VFX_SPECTRAL_INT_H
#define VFX_SPECTRAL_INT_H

#include <stdint.h>

/** A table sampled at start_nm + i * step_nm, i < n, with n_cols values per wavelength. */
typedef struct vfx__spectral_table {
    double        start_nm, step_nm;
    int32_t       n, n_cols;
    const double *v; /* n * n_cols, row by row */
} vfx__spectral_table;

extern const vfx__spectral_table vfx__spectral_lms2006; /* CIE 2006 2 deg LMS, peak 1, 390-830 */
extern const vfx__spectral_table vfx__spectral_xyz1931; /* CIE 1931 2 deg XYZ, 360-830 */
extern const vfx__spectral_table vfx__spectral_xyz2012; /* CIE 2012 2 deg XYZ, 390-830 */
extern const vfx__spectral_table vfx__spectral_d65;     /* CIE D65, 1 nm, 300-830 */

#endif
