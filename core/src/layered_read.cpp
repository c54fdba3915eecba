// SPDX-License-Identifier: GPL-3.0-or-later
#include "fstack/layered_read.hpp"

#include <fstream>
#include <iterator>

#include "fstack/error.hpp"
#include "layered_readers.hpp"
#include "psd_reader.hpp"

namespace fstack {
namespace fs = std::filesystem;
namespace {

std::string magic(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    char b[4] = {};
    in.read(b, 4);
    return std::string(b, static_cast<size_t>(in.gcount()));
}

}  // namespace

LayeredImage read_layered_file(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) throw Error(ErrorKind::Input, path.string(), -1, "no such file");
    const std::string m = magic(path);
    if (m == "8BPS") {
        std::ifstream in(path, std::ios::binary);
        const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        return detail::read_psd(bytes, path.string());
    }
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
