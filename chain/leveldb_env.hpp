// The LevelDB environment the Store opens its database with: the default one, except that table
// files are read with pread instead of being memory-mapped. LevelDB maps up to 1,000 table files
// on 64-bit systems; every page a read or a compaction touches then counts as the process's
// resident memory, so a node's RSS grew with its chain (326 of 505 MB at 100,000 blocks) though
// the kernel could drop those pages at any time. Read through pread, the same pages stay in the
// kernel's page cache, shared and reclaimable, and the node's resident memory is its own.
#pragma once

namespace leveldb {
class Env;
}

namespace ac {

// One process-wide instance (LevelDB keeps using its Env until a database closes); never freed.
leveldb::Env* pread_table_env();

}  // namespace ac
