// SPDX-License-Identifier: GPL-3.0-or-later
// Atomic writes: a temporary in the target folder, renamed into place without replacing a newcomer.
#include "fstack/atomic_file.hpp"

#include <fcntl.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE (glibc 2.28+)
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <random>
#include <set>
#include <string>

#include "fstack/error.hpp"
#include "fstack/output_check.hpp"

namespace fstack {
namespace fs = std::filesystem;
namespace {

// Temporaries in flight, for the CLI's SIGINT handler. A fixed array of C strings so that the
// handler can unlink them without allocating.
constexpr int kMaxPending = 64;
char g_pending[kMaxPending][4096];
std::atomic<bool> g_used[kMaxPending];
std::mutex g_mutex;

int register_pending(const fs::path& p) {
    std::lock_guard<std::mutex> lock(g_mutex);
    for (int i = 0; i < kMaxPending; ++i)
        if (!g_used[i].load()) {
            std::strncpy(g_pending[i], p.c_str(), sizeof g_pending[i] - 1);
            g_pending[i][sizeof g_pending[i] - 1] = 0;
            g_used[i].store(true);
            return i;
        }
    return -1;
}

void unregister_pending(int slot) {
    if (slot >= 0) g_used[slot].store(false);
}

fs::path temporary_name(const fs::path& target) {
    static std::mt19937_64 rng{std::random_device{}()};
    static std::mutex m;
    std::lock_guard<std::mutex> lock(m);
    char tag[17];
    std::snprintf(tag, sizeof tag, "%016llx", static_cast<unsigned long long>(rng()));
    // Keep the extension last: encoders choose the format from it. The stem is cut where the
    // name would pass the file system's limit (a legal 255-byte output name gets a legal
    // temporary), at a UTF-8 character boundary; the random tag keeps it unique.
    const std::string ext = target.extension().string(), middle = std::string(".fstack-tmp-") + tag;
    std::string stem = target.stem().string();
    const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    const long room = max_name_length(dir) - 1 - static_cast<long>(middle.size() + ext.size());
    if (room > 0 && static_cast<long>(stem.size()) > room) {
        size_t cut = static_cast<size_t>(room);
        while (cut > 0 && (static_cast<unsigned char>(stem[cut]) & 0xC0) == 0x80) --cut;
        stem.resize(cut);
    }
    return target.parent_path() / ("." + stem + middle + ext);
}

// Moves the finished temporary to `target`. Without `overwrite` the move itself refuses an
// existing target (renameat2 RENAME_NOREPLACE, or link()+unlink() where the file system lacks
// it), so that a file that appeared while this one was being written is never replaced.
void move_into_place(const fs::path& tmp, const fs::path& target, bool overwrite) {
    std::error_code ec;
    if (overwrite) {
        fs::rename(tmp, target, ec);
        if (ec) throw Error(ErrorKind::Output, target.string(), -1, "cannot rename the temporary file: " + ec.message());
        return;
    }
    int rc = ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP)) {
        rc = ::link(tmp.c_str(), target.c_str());
        if (rc == 0) ::unlink(tmp.c_str());
    }
    if (rc == 0) return;
    if (errno == EEXIST)
        throw Error(ErrorKind::Output, target.string(), -1,
                    "the output file appeared while it was being written (another run?); it was not "
                    "replaced (use --overwrite to replace it)");
    throw Error(ErrorKind::Output, target.string(), -1,
                std::string("cannot rename the temporary file: ") + std::strerror(errno));
}

void sync_file(const fs::path& p) {
    const int fd = ::open(p.c_str(), O_RDONLY);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

void write_atomically(const fs::path& target, const std::function<void(const fs::path&)>& write,
                      bool overwrite) {
    const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error(ErrorKind::Output, target.string(), -1,
                    "the output folder " + dir.string() + " does not exist");
    if (!overwrite && fs::exists(target, ec))
        throw Error(ErrorKind::Output, target.string(), -1,
                    "the output file already exists (use --overwrite to replace it)");
    if (::access(dir.c_str(), W_OK) != 0)
        throw Error(ErrorKind::Output, target.string(), -1,
                    "the output folder " + dir.string() + " is not writable: " + std::strerror(errno));

    const fs::path tmp = temporary_name(target.parent_path().empty() ? fs::path(target.filename()) : target);
    const int slot = register_pending(tmp);
    try {
        write(tmp);
        if (!fs::exists(tmp, ec)) throw Error(ErrorKind::Output, target.string(), -1, "nothing was written");
        sync_file(tmp);
        move_into_place(tmp, target, overwrite);
    } catch (const Error& e) {
        fs::remove(tmp, ec);
        unregister_pending(slot);
        if (e.kind() == ErrorKind::Cancelled) throw;
        // Name the file the user asked for, not our temporary.
        const bool names_tmp = e.file().empty() || e.file() == tmp.string();
        throw Error(e.kind() == ErrorKind::Input ? ErrorKind::Input : ErrorKind::Output,
                    names_tmp ? target.string() : e.file(), e.frame_index(), e.reason());
    } catch (const std::exception& e) {
        fs::remove(tmp, ec);
        unregister_pending(slot);
        throw Error(ErrorKind::Output, target.string(), -1, e.what());
    }
    unregister_pending(slot);
}

void remove_pending_temporaries() noexcept {
    for (int i = 0; i < kMaxPending; ++i)
        if (g_used[i].load()) ::unlink(g_pending[i]);
}

}  // namespace fstack
