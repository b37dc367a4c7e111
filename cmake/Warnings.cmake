# One warnings policy for every target of the project: mcr_warnings(target) links the
# mcr_warnings_policy interface target. MCR_WERROR (scripts/test.sh sets it) makes
# warnings errors, so that CI keeps the tree warning-free.
option(MCR_WERROR "Treat compiler warnings as errors" OFF)
add_library(mcr_warnings_policy INTERFACE)
target_compile_options(mcr_warnings_policy INTERFACE -Wall -Wextra $<$<BOOL:${MCR_WERROR}>:-Werror>)
function(mcr_warnings target)
  get_target_property(applied ${target} MCR_WARNINGS_APPLIED)
  if(NOT applied)
    target_link_libraries(${target} PRIVATE mcr_warnings_policy)
    set_target_properties(${target} PROPERTIES MCR_WARNINGS_APPLIED ON)
  endif()
endfunction()

# mcr_apply_warnings(dir): the policy on every compiled target defined under `dir`, so that
# a new target cannot be forgotten. Called once, at the end of the top-level CMakeLists.
function(mcr_apply_warnings dir)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(type MATCHES "^(STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY|EXECUTABLE)$")
      mcr_warnings(${target})
    endif()
  endforeach()
  get_property(children DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(child IN LISTS children)
    mcr_apply_warnings(${child})
  endforeach()
endfunction()
