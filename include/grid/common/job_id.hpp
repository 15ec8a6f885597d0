// Job identifiers (SPEC §2.1): 16 lowercase hex characters from a cryptographic RNG.
#pragma once

#include <string>

namespace grid {

// Draws 8 bytes from the kernel CSPRNG (getrandom) and hex-encodes them.
// Throws grid::Error if the kernel refuses.
std::string new_job_id();

}  // namespace grid
