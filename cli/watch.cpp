// SPDX-License-Identifier: GPL-3.0-or-later
// --watch: which files of a folder are complete frames yet.
#include "watch.hpp"

#include <algorithm>
#include <thread>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"

namespace fstack::cli {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

FolderWatch::FolderWatch(fs::path dir, Progress& progress, std::chrono::milliseconds settle)
    : dir_(std::move(dir)), progress_(progress), settle_(settle), last_change_(Clock::now()) {
    std::error_code ec;
    if (!fs::is_directory(dir_, ec))
        throw Error(ErrorKind::Input, dir_.string(), -1, "not a folder: --watch watches a folder for frames");
}

bool FolderWatch::poll() {
    const auto now = Clock::now();
    // Every image file by content; files whose first bytes are not there yet are skipped now and
    // looked at again next time (no warning: they are expected while a copy runs).
    const std::vector<fs::path> candidates = list_frames(dir_, null_progress());
    bool changed = false;
    for (const fs::path& p : candidates) {
        std::error_code ec;
        const auto size = fs::file_size(p, ec);
        if (ec) continue;
        const auto mtime = fs::last_write_time(p, ec);
        if (ec) continue;
        auto [it, fresh] = seen_.try_emplace(p);
        Seen& s = it->second;
        if (fresh || s.size != size || s.mtime != mtime) {
            if (s.complete)
                progress_.warn(p.string() + ": changed after it was taken as a complete frame");
            s = Seen{size, mtime, now, false, {}};
            continue;
        }
        if (s.complete || now - s.since < settle_) continue;
        try {
            read_image(p);  // to its end: a frame still being written fails here
            s.complete = true;
            frames_.push_back(p);
            changed = true;
        } catch (const Error& e) {
            s.problem = e.reason();
            s.since = now;  // try again after another settle time
        }
    }
    if (changed) {
        std::sort(frames_.begin(), frames_.end(),
                  [](const fs::path& a, const fs::path& b) { return natural_less(a.filename().string(), b.filename().string()); });
        last_change_ = now;
    }
    return changed;
}

double FolderWatch::idle_seconds() const {
    return std::chrono::duration<double>(Clock::now() - last_change_).count();
}

int FolderWatch::pending() const {
    return static_cast<int>(std::count_if(seen_.begin(), seen_.end(), [](const auto& s) { return !s.second.complete; }));
}

void watch_sleep(double seconds, Progress& progress) {
    const Clock::time_point end = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    while (Clock::now() < end) {
        progress.check_cancel();
        std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(100), end - Clock::now()));
    }
    progress.check_cancel();
}

}  // namespace fstack::cli
