// Fuzzes script verification (the full interpreter, under consensus and under all flags) and
// its parsers, the lax DER parser among them.
// Input: u8 length L | L bytes of spent output script | a transaction whose input 0 spends it.
// The bytes after the script also go straight to the scriptSig parser and the DER checker, so
// those are fuzzed even when the transaction does not decode.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "chain/ecdsa.hpp"
#include "chain/interpreter.hpp"
#include "chain/script.hpp"
#include "chain/script_verify.hpp"
#include "chain/transaction.hpp"

namespace {

void fuzz_script_sig(ac::ByteSpan script_sig) {
  auto spend = ac::parse_p2pkh_script_sig(script_sig);
  if (!spend || spend->signature_with_hash_type.empty()) return;
  ac::ByteSpan der(spend->signature_with_hash_type.data(),
                   spend->signature_with_hash_type.size() - 1);
  if (ac::is_strict_der(der)) ac::is_low_s(der);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ac::ByteSpan input(data, size);
  if (input.empty()) return 0;
  const size_t script_bytes = std::min<size_t>(input[0], input.size() - 1);
  ac::ByteSpan spent_script = input.subspan(1, script_bytes);
  ac::ByteSpan rest = input.subspan(1 + script_bytes);

  ac::match_p2pkh(spent_script);
  fuzz_script_sig(rest);
  if (ac::is_strict_der(rest)) ac::is_low_s(rest);
  ac::is_low_s_lax(rest);

  auto tx = ac::decode_transaction(rest);
  if (!tx) return 0;
  ac::Status status = ac::verify_input_script(*tx, 0, spent_script, ac::verify_flags::kConsensus);
  if (!status && status.error().reason.empty()) std::abort();
  ac::Status strict = ac::verify_input_script(*tx, 0, spent_script, ac::verify_flags::kConsensus,
                                              ac::verify_flags::kStandard);
  // Policy flags only ever add failures.
  if (strict && !status) std::abort();
  if (!tx->inputs.empty()) fuzz_script_sig(tx->inputs[0].script_sig);
  return 0;
}
