# One warnings policy for every target of the project: mcr_warnings(target) links the
# mcr_warnings_policy interface target. MCR_WERROR (scripts/test.sh sets it) makes
# warnings errors, so that CI keeps the tree warning-free.
option(MCR_WERROR "Treat compiler warnings as errors" OFF)
add_library(mcr_warnings_policy INTERFACE)
target_compile_options(mcr_warnings_policy INTERFACE -Wall -Wextra $<$<BOOL:${MCR_WERROR}>:-Werror>)
function(mcr_warnings target)
  target_link_libraries(${target} PRIVATE mcr_warnings_policy)
endfunction()
