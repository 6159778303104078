// CRC-32C (Castagnoli) and the "masked" form TFRecord framing stores (tensorboard/data/server/masked_crc.rs).
#pragma once

#include <cstdint>
#include <string_view>

namespace vgsales::tensorboard {

// Continues a CRC-32C over `bytes`; start with crc = 0. Reflected polynomial 0x82F63B78,
// initial value and final XOR 0xFFFFFFFF are applied inside, so extend(extend(0, a), b) == crc(a + b).
std::uint32_t crc32c_extend(std::uint32_t crc, std::string_view bytes);
inline std::uint32_t crc32c(std::string_view bytes) { return crc32c_extend(0, bytes); }

// TFRecord stores CRCs rotated and offset, because a CRC of data that itself holds CRCs is weak.
constexpr std::uint32_t kCrcMaskDelta = 0xA282EAD8u;
constexpr std::uint32_t mask_crc32c(std::uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kCrcMaskDelta; }
constexpr std::uint32_t unmask_crc32c(std::uint32_t masked) {
  const std::uint32_t rotated = masked - kCrcMaskDelta;
  return (rotated >> 17) | (rotated << 15);
}
inline std::uint32_t masked_crc32c(std::string_view bytes) { return mask_crc32c(crc32c(bytes)); }

}  // namespace vgsales::tensorboard
