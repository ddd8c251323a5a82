# Warnings.cmake - the project's warning set, applied per target.
function(kz_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wstrict-prototypes
    -Wmissing-prototypes -Wundef -Wwrite-strings -Wpointer-arith -Wvla
    -Wold-style-definition -Wformat=2 -fno-common)
  if(KZ_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
