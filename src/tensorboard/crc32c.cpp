// Table-driven CRC-32C, one byte per step: event files are small, so simplicity beats speed here.
#include "tensorboard/crc32c.h"

#include <array>

namespace vgsales::tensorboard {
namespace {

constexpr std::uint32_t kReflectedPolynomial = 0x82F63B78u;

constexpr std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t index = 0; index < 256; ++index) {
    std::uint32_t value = index;
    for (int bit = 0; bit < 8; ++bit) value = (value & 1u) ? (value >> 1) ^ kReflectedPolynomial : value >> 1;
    table[index] = value;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> kCrcTable = make_crc_table();

}  // namespace

std::uint32_t crc32c_extend(std::uint32_t crc, std::string_view bytes) {
  std::uint32_t state = ~crc;
  for (const char byte : bytes) {
    state = kCrcTable[(state ^ static_cast<std::uint8_t>(byte)) & 0xFFu] ^ (state >> 8);
  }
  return ~state;
}

}  // namespace vgsales::tensorboard
