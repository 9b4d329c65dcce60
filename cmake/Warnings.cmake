# Warnings as in STYLE.md; -Werror with VFX_WERROR=ON (CI).
function(vfx_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wconversion
        -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wno-sign-conversion
        $<$<BOOL:${VFX_WERROR}>:-Werror>)
endfunction()
# Tests and tools: the same minus -Wconversion (test code converts on purpose, loudly enough).
function(vfx_test_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wvla
        $<$<BOOL:${VFX_WERROR}>:-Werror>)
endfunction()
