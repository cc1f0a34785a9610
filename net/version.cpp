#include "chain/serialize.hpp"
#include "net/messages.hpp"

namespace ac::net {

void Version::encode(Writer& writer) const {
  writer.i32(version);
  writer.u64(services);
  writer.i64(timestamp);
  write_net_address(writer, addr_recv);
  write_net_address(writer, addr_from);
  writer.u64(nonce);
  writer.var_bytes(as_span(user_agent));
  writer.i32(start_height);
  if (version >= kRelayFlagVersion) writer.u8(relay ? 1 : 0);
}

bool Version::decode(Reader& reader) {
  if (!reader.i32(version) || !reader.u64(services) || !reader.i64(timestamp) ||
      !read_net_address(reader, addr_recv) || !read_net_address(reader, addr_from) ||
      !reader.u64(nonce))
    return false;
  uint64_t user_agent_bytes = 0;
  if (!reader.compact_size(user_agent_bytes, UINT64_MAX)) return false;
  if (user_agent_bytes > kMaxUserAgentBytes) return reader.fail("user-agent-too-long");
  Bytes text;
  if (!reader.bytes(text, static_cast<size_t>(user_agent_bytes))) return false;
  user_agent.assign(text.begin(), text.end());
  if (!reader.i32(start_height)) return false;
  // Before BIP37 the message ends here. From it on, the flag may still be left out (meaning
  // true); Bitcoin Core reads any non-zero byte as true.
  relay = true;
  if (version >= kRelayFlagVersion && !reader.at_end()) {
    uint8_t flag = 0;
    if (!reader.u8(flag)) return false;
    relay = flag != 0;
  }
  return true;
}

}  // namespace ac::net
