# ccache makes the clean CI build (2 cores) and every incremental build cheaper.
find_program(MCR_CCACHE ccache)
if(MCR_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_C_COMPILER_LAUNCHER   ${MCR_CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${MCR_CCACHE})
  # Precompiled headers and ccache cooperate only with these settings.
  set(ENV{CCACHE_SLOPPINESS} "pch_defines,time_macros,include_file_mtime,include_file_ctime")
  message(STATUS "ccache: ${MCR_CCACHE}")
endif()
