// The interpreter's shortcuts around signature checks: the script code is copied only when
// FindAndDelete would change it, and a checker reuses its last sighash only for the same
// script code and hash type.
#include <gtest/gtest.h>

#include "chain/interpreter.hpp"
#include "chain/opcodes.hpp"
#include "chain/script_ops.hpp"
#include "chain/sighash.hpp"

namespace ac {
namespace {

Bytes push_of(ByteSpan data) {
  Bytes out;
  append_push(out, data);
  return out;
}

TEST(ContainsPushAtOpBoundary, AgreesWithFindAndDelete) {
  const Bytes signature(71, 0x30);
  const Bytes pattern = push_of(signature);
  Bytes at_boundary{OP_DUP};
  append_push(at_boundary, signature);
  at_boundary.push_back(OP_CHECKSIG);
  // The same bytes inside another push: not at an op boundary, so not removed.
  Bytes inside;
  append_push(inside, pattern);
  const Bytes truncated{OP_PUSHDATA1, 0xff, 0x01};
  for (const Bytes& script : {at_boundary, inside, truncated, Bytes{}}) {
    Bytes copy = script;
    EXPECT_EQ(contains_push_at_op_boundary(script, pattern), find_and_delete(copy, pattern) > 0);
  }
  EXPECT_TRUE(contains_push_at_op_boundary(at_boundary, pattern));
  EXPECT_FALSE(contains_push_at_op_boundary(inside, pattern));
  EXPECT_FALSE(contains_push_at_op_boundary(at_boundary, Bytes{}));
}

class ExposedChecker : public TransactionSignatureChecker {
 public:
  using TransactionSignatureChecker::sighash;
  using TransactionSignatureChecker::TransactionSignatureChecker;
};

TEST(TransactionSignatureChecker, ReusesTheSighashOnlyForTheSameCodeAndHashType) {
  Transaction tx;
  tx.inputs.resize(2);
  tx.inputs[1].prevout.index = 7;
  tx.outputs.push_back(TxOut{5, Bytes{OP_1}});
  tx.outputs.push_back(TxOut{6, Bytes{OP_1 + 1}});
  const ExposedChecker checker(tx, 1);
  const Bytes code_a{OP_DUP, OP_CHECKSIG};
  const Bytes code_b{OP_DROP, OP_CHECKSIG};
  const Bytes code_a_prefix{OP_DUP};
  struct Case {
    const Bytes* code;
    uint8_t hash_type;
  };
  const Case cases[] = {{&code_a, kSighashAll},
                        {&code_a, kSighashAll},
                        {&code_a, kSighashNone},
                        {&code_b, kSighashNone},
                        {&code_a, kSighashAll},
                        {&code_a_prefix, kSighashAll},
                        {&code_a, kSighashSingle | kSighashAnyoneCanPay}};
  for (const Case& c : cases) {
    EXPECT_EQ(checker.sighash(*c.code, c.hash_type), legacy_sighash(tx, 1, *c.code, c.hash_type));
  }
}

}  // namespace
}  // namespace ac
