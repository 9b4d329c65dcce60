# Spectral tables (CIE observers, illuminant D65) compiled into the library: a small C program
# built for the host turns data/spectral/*.csv into a .c file in the build tree at build time,
# so no table is ever typed by hand and no Python is needed. Sets VFX_SPECTRAL_SOURCES.
add_executable(vfx_gen_spectral "${PROJECT_SOURCE_DIR}/tools/gen_spectral.c")
target_link_libraries(vfx_gen_spectral PRIVATE m)
set(_vfx_spectral_dir "${PROJECT_SOURCE_DIR}/data/spectral")
set(_vfx_spectral_tables
    lms2006=${_vfx_spectral_dir}/cie2006_lms_2deg_1nm.csv
    xyz1931=${_vfx_spectral_dir}/cie1931_xyz_2deg_1nm.csv
    xyz2012=${_vfx_spectral_dir}/cie2012_xyz_2deg_1nm.csv
    d65=${_vfx_spectral_dir}/cie_d65_1nm.csv)
set(_vfx_spectral_csv)
foreach(t ${_vfx_spectral_tables})
    string(REGEX REPLACE "^[a-z0-9_]+=" "" f "${t}")
    list(APPEND _vfx_spectral_csv "${f}")
endforeach()
set(_vfx_spectral_out "${PROJECT_BINARY_DIR}/generated/spectral_tables.c")
file(MAKE_DIRECTORY "${PROJECT_BINARY_DIR}/generated")
add_custom_command(OUTPUT "${_vfx_spectral_out}"
    COMMAND vfx_gen_spectral "${_vfx_spectral_out}" ${_vfx_spectral_tables}
    DEPENDS vfx_gen_spectral ${_vfx_spectral_csv}
    COMMENT "Generating spectral tables from data/spectral"
    VERBATIM)
set(VFX_SPECTRAL_SOURCES "${_vfx_spectral_out}")
