# Every external dependency, found once. All come from Debian 12 packages
# (scripts/install-deps.sh installs them).
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)

# DCMTK: its pkg-config file is broken on Debian 12; its CMake config works.
# Linked dynamically so that the plugin shares Orthanc's libdcmdata.
find_package(DCMTK CONFIG REQUIRED)
if(NOT TARGET DCMTK::DCMTK)
  add_library(DCMTK::DCMTK INTERFACE IMPORTED)
  target_link_libraries(DCMTK::DCMTK INTERFACE ${DCMTK_LIBRARIES})
  target_include_directories(DCMTK::DCMTK INTERFACE ${DCMTK_INCLUDE_DIRS})
endif()

# Boost.JSON 1.81 only (Boost 1.74 dev packages conflict with it).
find_package(Boost 1.81 CONFIG REQUIRED COMPONENTS json)

# Protobuf 3.21 through CMake's FindProtobuf.
find_package(Protobuf 3.21 REQUIRED)

# hnswlib is header-only.
find_path(HNSWLIB_INCLUDE_DIR hnswlib/hnswlib.h REQUIRED)
add_library(hnswlib INTERFACE)
target_include_directories(hnswlib SYSTEM INTERFACE ${HNSWLIB_INCLUDE_DIR})

find_package(CLI11 CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_path(STB_INCLUDE_DIR stb_image.h PATH_SUFFIXES stb REQUIRED)
add_library(stb INTERFACE)
target_include_directories(stb SYSTEM INTERFACE ${STB_INCLUDE_DIR})
find_path(HTTPLIB_INCLUDE_DIR httplib.h REQUIRED)
add_library(httplib INTERFACE)
target_include_directories(httplib SYSTEM INTERFACE ${HTTPLIB_INCLUDE_DIR})
target_link_libraries(httplib INTERFACE Threads::Threads)
# Debian builds cpp-httplib as a compiled library (libcpp-httplib.so): link it, and compile
# the header with the options the library was built with (its cpp-httplib.pc), or the
# classes' layouts differ between the two and the heap is corrupted.
find_library(HTTPLIB_LIBRARY cpp-httplib REQUIRED)
target_link_libraries(httplib INTERFACE ${HTTPLIB_LIBRARY})
target_compile_definitions(httplib INTERFACE
  CPPHTTPLIB_OPENSSL_SUPPORT CPPHTTPLIB_ZLIB_SUPPORT CPPHTTPLIB_BROTLI_SUPPORT)

if(MCR_WITH_TESTS OR MCR_WITH_BENCH)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(MCR_WITH_BENCH)
  find_package(benchmark CONFIG REQUIRED)
endif()

if(MCR_FUZZ)
  # Fuzz builds cover the torch-free code only: LibTorch is not instrumented.
  set(MCR_WITH_TORCH OFF)
  set(MCR_WITH_PLUGIN OFF)
  set(MCR_WITH_BENCH OFF)
endif()
if(MCR_WITH_TORCH OR MCR_WITH_PLUGIN)
  find_package(Torch REQUIRED)
endif()

# mcr_use_torch(target): link LibTorch and precompile its headers for the target.
# Including torch/torch.h costs ~25 s per file on this machine; the PCH pays for itself
# from the second torch source file of a target on, and ccache keeps it across builds.
# PyTorch's bundled LibTorch (a CUDA build) ships its own, newer fmt headers in its include
# folder, which spdlog 1.10 cannot compile against: fmt's own folder goes first. On Debian
# both sit in /usr/include, an implicit folder that CMake leaves off the command line.
function(mcr_use_torch target)
  get_target_property(fmt_include fmt::fmt INTERFACE_INCLUDE_DIRECTORIES)
  target_include_directories(${target} SYSTEM BEFORE PRIVATE ${fmt_include})
  target_link_libraries(${target} PRIVATE ${TORCH_LIBRARIES})
  target_include_directories(${target} SYSTEM PRIVATE ${TORCH_INCLUDE_DIRS})
  target_precompile_headers(${target} PRIVATE <torch/torch.h>)
endfunction()

if(MCR_WITH_PLUGIN)
  find_path(ORTHANC_SDK_DIR orthanc/OrthancCPlugin.h REQUIRED)
  add_library(orthanc_sdk INTERFACE)
  target_include_directories(orthanc_sdk SYSTEM INTERFACE ${ORTHANC_SDK_DIR})
endif()

# Where tests find their data. scripts/fetch-test-data.sh fills MCR_TEST_DATA_DIR from
# Debian and npm packages; the shared IU report tables sit beside the checkout.
set(MCR_TEST_DATA_DIR ${CMAKE_SOURCE_DIR}/.cache/testdata CACHE PATH "Real DICOM test files (fetch-test-data.sh)")
set(MCR_SHARED_DATA_DIR ${CMAKE_SOURCE_DIR}/../shared/data CACHE PATH "Shared research data (optional)")
