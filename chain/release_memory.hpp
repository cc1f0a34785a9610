// Handing freed heap memory back to the kernel. glibc's malloc keeps freed chunks in its arenas
// (one per thread that allocated, up to 8 per core) and returns only the top of each: after a
// coins flush frees the cache's ~200,000 entries, most of their pages stay resident as free
// memory, counted in the process's RSS. A no-op with other allocators.
#pragma once

namespace ac {

// malloc_trim(0): every arena's wholly free pages are released (madvise), the top trimmed.
void release_free_memory();

// Caps malloc's arenas at `count` (mallopt M_ARENA_MAX): fewer arenas, less memory held free
// in each. To be called before threads start allocating.
void limit_malloc_arenas(int count);

}  // namespace ac
