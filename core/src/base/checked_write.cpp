// SPDX-License-Identifier: GPL-3.0-or-later
// Writing whole buffers with every failure checked (short writes, ENOSPC, EIO).
#include "base/checked_write.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fstack/error.hpp"

namespace fstack {
namespace {

[[noreturn]] void fail(const std::string& shown, const char* what, int error) {
    throw Error(ErrorKind::Output, shown, -1, std::string(what) + ": " + std::strerror(error));
}

}  // namespace

void write_bytes_checked(const std::filesystem::path& file, const std::vector<unsigned char>& bytes,
                         const std::string& shown) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) fail(shown, "cannot create the file", errno);
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int error = n < 0 ? errno : ENOSPC;
            ::close(fd);
            fail(shown, "cannot write the image", error);
        }
        done += static_cast<size_t>(n);
    }
    // Network and quota file systems report a full disk only here.
    if (::close(fd) != 0) fail(shown, "cannot write the image", errno);
}

}  // namespace fstack
