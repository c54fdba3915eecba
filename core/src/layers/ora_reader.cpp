// SPDX-License-Identifier: GPL-3.0-or-later
// OpenRaster reading with libzip and pugixml: stack.xml's <layer> elements (top first, nested
// stacks flattened), each PNG decoded with OpenCV and placed at its x/y offset, and mergedimage.png.
#include <pugixml.hpp>
#include <zip.h>

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
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

// A value from the file as it goes into a message: a crafted stack.xml may hold megabytes in one.
std::string shorten(const std::string& v) {
    constexpr size_t kMax = 64;
    return v.size() <= kMax ? v : v.substr(0, kMax) + "... (" + std::to_string(v.size()) + " characters)";
}

// The largest stack.xml read: a layer list takes a few hundred bytes a layer, so 4 MiB is
// thousands of layers; more is a damaged or crafted file (1 GiB of blanks took 40 s and 2.1 GiB).
constexpr uint64_t kMaxStackXml = 4u << 20;

std::vector<uint8_t> entry(zip_t* z, const std::string& name, const std::string& shown, uint64_t archive_size,
                           uint64_t max_size = UINT64_MAX) {
    zip_stat_t st;
    if (zip_stat(z, name.c_str(), 0, &st) != 0)
        throw Error(ErrorKind::Input, shown, -1, "OpenRaster file without " + shorten(name));
    if ((st.valid & ZIP_STAT_SIZE) && st.size > max_size)
        throw Error(ErrorKind::Input, shown, -1,
                    shorten(name) + " is " + std::to_string(st.size) + " bytes uncompressed, more than the " +
                        std::to_string(max_size >> 20) + " MiB an OpenRaster layer list may take (a damaged or crafted file)");
    // The sizes come from the zip's own directory: before allocating what it declares, check it
    // against what deflate can make of the compressed bytes (at most 1032 to 1), the compressed
    // bytes against the archive itself, and the memory.
    const uint64_t memory = available_memory();
    if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE) || st.comp_size > archive_size ||
        st.size > st.comp_size * 1032 + 1024 || (memory > 0 && st.size > memory))
        throw Error(ErrorKind::Input, shown, -1, "corrupt OpenRaster file: implausible size of " + shorten(name));
    std::vector<uint8_t> data(st.size);
    zip_file_t* f = zip_fopen(z, name.c_str(), 0);
    if (!f) throw Error(ErrorKind::Input, shown, -1, "cannot open " + shorten(name) + " in the OpenRaster file");
    const zip_int64_t got = zip_fread(f, data.data(), data.size());
    zip_fclose(f);
    if (got != static_cast<zip_int64_t>(data.size()))
        throw Error(ErrorKind::Input, shown, -1, "cannot read " + shorten(name) + " in the OpenRaster file");
    return data;
}

// An attribute's value, entities decoded by pugixml; empty when absent.
std::string attribute(const pugi::xml_node& element, const char* name) {
    return element.attribute(name).value();
}

// A layer's PNG through fstack's own reader: the pixel limit, the decoder's errors in words.
cv::Mat decode(const std::vector<uint8_t>& bytes, const std::string& shown, const std::string& src) {
    return decode_image(bytes, shown + ": " + shorten(src));
}

// A non-negative integer attribute (0 when absent); out of int range is a corrupt file.
int int_attribute(const pugi::xml_node& element, const char* name, const std::string& shown) {
    const std::string v = attribute(element, name);
    if (v.empty()) return 0;
    errno = 0;
    char* end = nullptr;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (errno != 0 || end == v.c_str() || n < INT32_MIN || n > INT32_MAX)
        throw Error(ErrorKind::Input, shown, -1, std::string("corrupt stack.xml: ") + name + "=\"" + shorten(v) + "\"");
    return int(n);
}

// Every <layer> under <image>, in document order (top first), however deep the <stack>s nest:
// walked without recursion, so that a crafted file nesting 100000 stacks costs no stack space.
std::vector<pugi::xml_node> layer_elements(const pugi::xml_node& root) {
    std::vector<pugi::xml_node> layers;
    for (pugi::xml_node n = root.first_child(); n && n != root;) {
        if (n.type() == pugi::node_element && std::strcmp(n.name(), "layer") == 0) layers.push_back(n);
        if (n.first_child()) {
            n = n.first_child();
            continue;
        }
        while (n != root && !n.next_sibling()) n = n.parent();
        if (n != root) n = n.next_sibling();
    }
    return layers;
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
    std::vector<uint8_t> xml = entry(z.get(), "stack.xml", shown, archive_size, kMaxStackXml);
    pugi::xml_document doc;  // parses in place: `xml` must outlive `doc`
    const pugi::xml_parse_result parsed = doc.load_buffer_inplace(xml.data(), xml.size());
    if (!parsed)
        throw Error(ErrorKind::Input, shown, -1,
                    std::string("malformed stack.xml: ") + parsed.description() + " at offset " +
                        std::to_string(parsed.offset));
    const pugi::xml_node root = doc.child("image");
    if (!root) throw Error(ErrorKind::Input, shown, -1, "stack.xml without an <image> element");
    LayeredImage image;
    image.width = int_attribute(root, "w", shown);
    image.height = int_attribute(root, "h", shown);
    if (image.width <= 0 || image.height <= 0) throw Error(ErrorKind::Input, shown, -1, "stack.xml without the image size");
    check_pixel_limit(image.width, image.height, shown, -1);
    const std::vector<pugi::xml_node> elements = layer_elements(root);
    // Many layers may name one small PNG: the canvases are what costs.
    check_layers_fit(elements.size(), image.width, image.height, CV_16U, shown);
    for (const pugi::xml_node& element : elements) {
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
