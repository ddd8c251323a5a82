# seams.cmake - tests that use the seams: the director and the engine against a fake clock and a
# recording transport (tests/support: shared loaders, the fake clock, the recording transport).
add_library(kz_test_support STATIC support/support.c)
target_include_directories(kz_test_support PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/support
  ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(kz_test_support PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(kz_test_support PUBLIC kizuna PkgConfig::CMOCKA)
kz_warnings(kz_test_support)

foreach(t test_director test_engine)
  kz_unit(${t})
  target_link_libraries(${t} PRIVATE kz_test_support)
endforeach()
