// SPDX-License-Identifier: GPL-3.0-or-later
#include "host_progress.hpp"

#include <algorithm>
#include <cctype>

namespace fstack::gimp {

void HostProgress::stage(const std::string& name, int total) {
    text_ = name;
    if (!text_.empty()) text_[0] = char(std::toupper(static_cast<unsigned char>(text_[0])));
    total_ = total;
    host_.progress(text_ + "...", from_);
}

void HostProgress::step(int done) {
    if (total_ <= 0) return;
    const double f = std::clamp(double(done) / total_, 0.0, 1.0);
    host_.progress(text_ + "...", from_ + f * (to_ - from_));
}

void HostProgress::log(LogLevel level, const std::string& message) {
    // Notes (e.g. "converted frame 3 to 16-bit") would pop up a dialog each in GIMP: only
    // warnings reach the user.
    if (level == LogLevel::Warning) host_.message(message);
}

}  // namespace fstack::gimp
