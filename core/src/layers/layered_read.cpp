// SPDX-License-Identifier: GPL-3.0-or-later
// read_layered_file: picks the reader of a layered file by its content.
#include "fstack/layered_read.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "fstack/error.hpp"
#include "fstack/input_file.hpp"
#include "fstack/limits.hpp"
#include "layers/layered_readers.hpp"
#include "layers/psd_reader.hpp"

namespace fstack {
namespace fs = std::filesystem;
namespace {

std::string magic(const fs::path& path) {
    if (check_file(path).kind != FileKind::Regular) return {};  // a FIFO would block
    std::ifstream in(path, std::ios::binary);
    char b[4] = {};
    in.read(b, 4);
    return std::string(b, static_cast<size_t>(in.gcount()));
}

}  // namespace

namespace detail {

cv::Rect clip_to_canvas(int64_t left, int64_t top, int64_t w, int64_t h, int width, int height) {
    const int64_t x0 = std::max<int64_t>(left, 0), y0 = std::max<int64_t>(top, 0);
    const int64_t x1 = std::min<int64_t>(left + w, width), y1 = std::min<int64_t>(top + h, height);
    if (x1 <= x0 || y1 <= y0) return {};
    return {int(x0), int(y0), int(x1 - x0), int(y1 - y0)};
}

void check_layers_fit(size_t layers, int width, int height, int depth, const std::string& shown) {
    const uint64_t canvas = uint64_t(width) * uint64_t(height) * 4 * (depth == CV_16U ? 2 : 1);
    const uint64_t available = available_memory();
    if (available > 0 && canvas * layers > available)
        throw Error(ErrorKind::Input, shown, -1,
                    std::to_string(layers) + " layers of " + std::to_string(width) + " x " +
                        std::to_string(height) + " need " + std::to_string((canvas * layers) >> 20) +
                        " MiB, more than the " + std::to_string(available >> 20) + " MiB available");
}

}  // namespace detail

LayeredImage read_layered_file(const fs::path& path) {
    require_regular_file(path, -1, "a layered file");
    const std::string m = magic(path);
    if (m == "8BPS") return detail::read_psd(read_file_bytes(path, -1, "a layered file"), path.string());
    if (m == "PK\x03\x04") return detail::read_ora(path);
    if (m == std::string("II*\0", 4) || m == std::string("MM\0*", 4) || m == std::string("II+\0", 4) || m == std::string("MM\0+", 4))
        return detail::read_tiff_layers(path);
    throw Error(ErrorKind::Input, path.string(), -1, "not a PSD, OpenRaster or TIFF file");
}

bool is_layered_file(const fs::path& path) {
    const std::string m = magic(path);
    if (m == "8BPS" || m == "PK\x03\x04") return true;
    if (m == std::string("II*\0", 4) || m == std::string("MM\0*", 4) || m == std::string("II+\0", 4) ||
        m == std::string("MM\0+", 4))
        return detail::tiff_is_layered(path);
    return false;
}

}  // namespace fstack
