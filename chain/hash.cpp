#include "chain/hash.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace ac {

namespace {

// Fetching an EVP_MD per call costs more than the hash itself on short inputs; the fetched
// handle is immutable and thread-safe, so one per algorithm is kept for the process.
const EVP_MD* cached_digest(const char* name) {
  const EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) throw std::runtime_error(std::string("OpenSSL lacks digest ") + name);
  return md;
}

const EVP_MD* sha256_md() {
  static const EVP_MD* md = cached_digest("SHA256");
  return md;
}

const EVP_MD* sha1_md() {
  static const EVP_MD* md = cached_digest("SHA1");
  return md;
}

const EVP_MD* ripemd160_md() {
  static const EVP_MD* md = cached_digest("RIPEMD160");
  return md;
}

template <size_t N>
HashBytes<N> digest(const EVP_MD* md, ByteSpan data) {
  HashBytes<N> out;
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), out.data.data(), &length, md, nullptr);
  return out;
}

}  // namespace

Hash256 sha256(ByteSpan data) {
  return digest<32>(sha256_md(), data);
}

Hash256 sha256d(ByteSpan data) {
  Hash256 first = sha256(data);
  return sha256(first.span());
}

Hash160 sha1(ByteSpan data) {
  return digest<20>(sha1_md(), data);
}

Hash160 ripemd160(ByteSpan data) {
  return digest<20>(ripemd160_md(), data);
}

Hash160 hash160(ByteSpan data) {
  return ripemd160(sha256(data).span());
}

}  // namespace ac
