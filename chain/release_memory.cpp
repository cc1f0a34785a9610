#include "chain/release_memory.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace ac {

void release_free_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

void limit_malloc_arenas([[maybe_unused]] int count) {
#if defined(__GLIBC__)
  mallopt(M_ARENA_MAX, count);
#endif
}

}  // namespace ac
