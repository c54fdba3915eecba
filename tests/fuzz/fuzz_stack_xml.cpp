// SPDX-License-Identifier: GPL-3.0-or-later
// OpenRaster's stack.xml (pugixml, the reader's walk of the layers), structure-aware: the input is
// the XML text itself, wrapped here in an OpenRaster zip with one small PNG. Mutations of a whole
// .ora file (fuzz_layered) rarely get past the zip's CRC into the XML; these always do, and
// stack_xml.dict gives them the element and attribute names.
#include <string>

#include <opencv2/core.hpp>

#include "fstack/layered_read.hpp"
#include "fuzz_common.hpp"
#include "hostile_files.hpp"

namespace {
const fstack::fuzz::InputFile* g_file = nullptr;
cv::Mat* g_layer = nullptr;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fstack::fuzz::init();
    g_file = new fstack::fuzz::InputFile("stack-xml", ".ora");
    g_layer = new cv::Mat(fstack::test::hostile::picture(8, 6, 4));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string xml(reinterpret_cast<const char*>(data), size);
    if (!fstack::test::hostile::write_ora(g_file->path(), xml, *g_layer)) return 0;
    fstack::fuzz::expect_only_fstack_errors([&] { fstack::read_layered_file(g_file->path()); });
    return 0;
}
