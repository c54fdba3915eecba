// SPDX-License-Identifier: GPL-3.0-or-later
// fstack::Error: the kind, the file, the frame and the reason of a failure.
#include "fstack/error.hpp"

namespace fstack {
namespace {

std::string compose(const std::string& file, int frame_index, const std::string& reason) {
    std::string s;
    if (!file.empty()) s += file + ": ";
    // Frames are counted from 1 in messages (photographers' numbering), from 0 in the API.
    if (frame_index >= 0) s += "frame " + std::to_string(frame_index + 1) + ": ";
    return s + reason;
}

}  // namespace

Error::Error(ErrorKind kind, std::string file, int frame_index, std::string reason)
    : std::runtime_error(compose(file, frame_index, reason)),
      kind_(kind),
      file_(std::move(file)),
      frame_index_(frame_index),
      reason_(std::move(reason)) {}

}  // namespace fstack
