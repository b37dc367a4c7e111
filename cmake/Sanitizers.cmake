# MCR_SANITIZE=address -> ASan + UBSan; MCR_SANITIZE=thread -> TSan.
if(MCR_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
elseif(MCR_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(NOT MCR_SANITIZE STREQUAL "")
  message(FATAL_ERROR "MCR_SANITIZE must be '', 'address' or 'thread', not '${MCR_SANITIZE}'")
endif()
if(MCR_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MCR_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14")
  endif()
  # Instrument every library for coverage; only fuzz targets add -fsanitize=fuzzer at link time.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# mcr_add_fuzzer(NAME SOURCES ... LIBS ... [SEEDS dir ...] [RUNS n])
# A libFuzzer executable plus a CTest entry that runs it for a bounded number of runs
# over the seed folders (MCR_FUZZ builds only). New inputs go to a scratch corpus in the
# build tree; a crash, leak or sanitizer report fails the test.
set(MCR_FUZZ_RUNS 5000 CACHE STRING "libFuzzer -runs for each fuzz test")
function(mcr_add_fuzzer name)
  cmake_parse_arguments(F "" "RUNS" "SOURCES;LIBS;SEEDS" ${ARGN})
  if(NOT MCR_FUZZ)
    return()
  endif()
  if(NOT F_RUNS)
    set(F_RUNS ${MCR_FUZZ_RUNS})
  endif()
  add_executable(${name} ${F_SOURCES})
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set(scratch ${CMAKE_CURRENT_BINARY_DIR}/${name}.corpus)
  add_test(NAME fuzz.${name}
           COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
                   $<TARGET_FILE:${name}> -runs=${F_RUNS} -max_len=262144 -rss_limit_mb=4096
                   -timeout=30 ${scratch} ${F_SEEDS})
  set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz TIMEOUT 900)
  file(MAKE_DIRECTORY ${scratch})
endfunction()
