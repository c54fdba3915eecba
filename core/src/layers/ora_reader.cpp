// SPDX-License-Identifier: GPL-3.0-or-later
// OpenRaster reading with libzip: stack.xml's <layer> elements (top first, nested stacks
// flattened), each PNG decoded with OpenCV and placed at its x/y offset, and mergedimage.png.
#include <zip.h>

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <regex>
#include <vector>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "fstack/limits.hpp"
#include "layers/layered_readers.hpp"

namespace fstack::detail {
namespace {

struct ZipCloser {
    void operator()(zip_t* z) const { zip_discard(z); }
};

std::vector<uint8_t> entry(zip_t* z, const std::string& name, const std::string& shown, uint64_t archive_size) {
    zip_stat_t st;
    if (zip_stat(z, name.c_str(), 0, &st) != 0)
        throw Error(ErrorKind::Input, shown, -1, "OpenRaster file without " + name);
    // The sizes come from the zip's own directory: before allocating what it declares, check it
    // against what deflate can make of the compressed bytes (at most 1032 to 1), the compressed
    // bytes against the archive itself, and the memory.
    const uint64_t memory = available_memory();
    if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE) || st.comp_size > archive_size ||
        st.size > st.comp_size * 1032 + 1024 || (memory > 0 && st.size > memory))
        throw Error(ErrorKind::Input, shown, -1, "corrupt OpenRaster file: implausible size of " + name);
    std::vector<uint8_t> data(st.size);
    zip_file_t* f = zip_fopen(z, name.c_str(), 0);
    if (!f) throw Error(ErrorKind::Input, shown, -1, "cannot open " + name + " in the OpenRaster file");
    const zip_int64_t got = zip_fread(f, data.data(), data.size());
    zip_fclose(f);
    if (got != static_cast<zip_int64_t>(data.size()))
        throw Error(ErrorKind::Input, shown, -1, "cannot read " + name + " in the OpenRaster file");
    return data;
}

std::string attribute(const std::string& element, const std::string& name) {
    const std::regex re("\\s" + name + "\\s*=\\s*\"([^\"]*)\"");
    std::smatch m;
    if (!std::regex_search(element, m, re)) return {};
    std::string v = m[1];
    // The five XML entities, enough for names fstack (and Krita, GIMP) write.
    static const std::pair<const char*, const char*> entities[] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
    for (const auto& [from, to] : entities)
        for (size_t p; (p = v.find(from)) != std::string::npos;) v.replace(p, std::strlen(from), to);
    return v;
}

// A layer's PNG through fstack's own reader: the pixel limit, the decoder's errors in words.
cv::Mat decode(const std::vector<uint8_t>& bytes, const std::string& shown, const std::string& src) {
    return decode_image(bytes, shown + ": " + src);
}

// A non-negative integer attribute (0 when absent); out of int range is a corrupt file.
int int_attribute(const std::string& element, const char* name, const std::string& shown) {
    const std::string v = attribute(element, name);
    if (v.empty()) return 0;
    errno = 0;
    char* end = nullptr;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (errno != 0 || end == v.c_str() || n < INT32_MIN || n > INT32_MAX)
        throw Error(ErrorKind::Input, shown, -1, std::string("corrupt stack.xml: ") + name + "=\"" + v + "\"");
    return int(n);
}

}  // namespace

LayeredImage read_ora(const std::filesystem::path& path) {
    const std::string shown = path.string();
    int err = 0;
    std::unique_ptr<zip_t, ZipCloser> z(zip_open(path.c_str(), ZIP_RDONLY, &err));
    if (!z) throw Error(ErrorKind::Input, shown, -1, "not a readable zip (OpenRaster) file");
    std::error_code ec;
    const uint64_t archive_size = std::filesystem::file_size(path, ec);
    if (ec) throw Error(ErrorKind::Input, shown, -1, "cannot read the file size: " + ec.message());
    const std::vector<uint8_t> xml_bytes = entry(z.get(), "stack.xml", shown, archive_size);
    const std::string xml(xml_bytes.begin(), xml_bytes.end());
    LayeredImage image;
    std::smatch m;
    if (std::regex_search(xml, m, std::regex("<image\\b[^>]*>"))) {
        image.width = int_attribute(m[0], "w", shown);
        image.height = int_attribute(m[0], "h", shown);
    }
    if (image.width <= 0 || image.height <= 0) throw Error(ErrorKind::Input, shown, -1, "stack.xml without the image size");
    check_pixel_limit(image.width, image.height, shown, -1);
    const std::regex layer_re("<layer\\b[^>]*>");
    std::vector<std::string> elements;
    for (auto it = std::sregex_iterator(xml.begin(), xml.end(), layer_re); it != std::sregex_iterator(); ++it)
        elements.push_back((*it)[0]);
    // Many layers may name one small PNG: the canvases are what costs.
    check_layers_fit(elements.size(), image.width, image.height, CV_16U, shown);
    for (const std::string& element : elements) {
        ReadLayer layer;
        layer.name = attribute(element, "name");
        layer.visible = attribute(element, "visibility") != "hidden";
        const std::string src = attribute(element, "src");
        const cv::Mat png = decode(entry(z.get(), src, shown, archive_size), shown, src);
        const int x = int_attribute(element, "x", shown), y = int_attribute(element, "y", shown);
        if (x == 0 && y == 0 && png.cols == image.width && png.rows == image.height) {
            layer.pixels = png;
        } else {
            layer.pixels = cv::Mat(image.height, image.width, CV_MAKETYPE(png.depth(), 4), cv::Scalar::all(0));
            cv::Mat rgba = png.channels() == 4 ? png : cv::Mat();
            if (rgba.empty()) cv::cvtColor(png, rgba, png.channels() == 1 ? cv::COLOR_GRAY2BGRA : cv::COLOR_BGR2BGRA);
            const cv::Rect clip = clip_to_canvas(x, y, png.cols, png.rows, image.width, image.height);
            if (clip.area() > 0)
                rgba(cv::Rect(int(clip.x - int64_t(x)), int(clip.y - int64_t(y)), clip.width, clip.height))
                    .copyTo(layer.pixels(clip));
        }
        image.layers.push_back(std::move(layer));
    }
    std::reverse(image.layers.begin(), image.layers.end());  // stack.xml lists the top first
    zip_stat_t st;
    if (zip_stat(z.get(), "mergedimage.png", 0, &st) == 0) image.composite = decode(entry(z.get(), "mergedimage.png", shown, archive_size), shown, "mergedimage.png");
    return image;
}

}  // namespace fstack::detail
