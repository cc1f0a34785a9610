#include "apps/running_node.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace ac::app {

bool node_holds_store(const NodeEnvironment& env) {
  // LevelDB's POSIX environment locks <store>/LOCK with fcntl(F_SETLK, F_WRLCK).
  int fd = ::open((env.store_dir() / "LOCK").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock probe {};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  bool held = ::fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK;
  ::close(fd);
  return held;
}

std::optional<RpcClient> running_node_rpc(const NodeEnvironment& env, const RpcOptions& options) {
  if (!node_holds_store(env)) return std::nullopt;
  auto client = RpcClient::open(env, options);
  if (!client) return std::nullopt;
  return std::move(*client);
}

}  // namespace ac::app
