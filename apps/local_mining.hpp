// Proof of work for the commands that mine in the foreground (createblockchain, send --mine),
// on every core of the machine.
#pragma once

#include "chain/block.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"

namespace ac::app {

// Grinds nonces (and the coinbase extra nonce when they run out) until `block` meets its
// target. REQUIRES: block assembled with assemble_block at `height`.
Status mine_in_foreground(Block& block, int height);

}  // namespace ac::app
