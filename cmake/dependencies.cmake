# Debian's packages; see scripts/install-deps.sh.
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)  # before leveldb: its exported target needs Threads::Threads
find_package(leveldb CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(OpenSSL 3.0 REQUIRED)
find_package(GTest CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(nlohmann_json 3 CONFIG REQUIRED)

find_path(SECP256K1_INCLUDE_DIR secp256k1.h REQUIRED)
find_library(SECP256K1_LIBRARY NAMES secp256k1 REQUIRED)
add_library(secp256k1 UNKNOWN IMPORTED)
set_target_properties(secp256k1 PROPERTIES IMPORTED_LOCATION "${SECP256K1_LIBRARY}"
                      INTERFACE_INCLUDE_DIRECTORIES "${SECP256K1_INCLUDE_DIR}")

# Debian ships CAF 0.17 without CMake files.
find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
find_library(CAF_CORE_LIBRARY NAMES caf_core REQUIRED)
find_library(CAF_IO_LIBRARY NAMES caf_io REQUIRED)
add_library(CAF::core SHARED IMPORTED)
set_target_properties(CAF::core PROPERTIES IMPORTED_LOCATION "${CAF_CORE_LIBRARY}"
                      INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
                      INTERFACE_LINK_LIBRARIES Threads::Threads)
add_library(CAF::io SHARED IMPORTED)
set_target_properties(CAF::io PROPERTIES IMPORTED_LOCATION "${CAF_IO_LIBRARY}"
                      INTERFACE_LINK_LIBRARIES CAF::core)

if(ACTORCHAIN_BENCH)
  find_package(benchmark CONFIG REQUIRED)
endif()

# JSON-RPC (issue 10). nlohmann-json: header-only, the de-facto C++ JSON library, exact integer
# handling. cpp-httplib: a small, well-kept HTTP/1.1 server and client with keep-alive, read
# timeouts, body limits and a pluggable thread pool, which is all the RPC server needs (Debian
# ships it compiled, with its flags in a pkg-config file).
find_package(nlohmann_json 3.11 CONFIG REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(CPP_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
