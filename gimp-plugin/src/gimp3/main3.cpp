// SPDX-License-Identifier: GPL-3.0-or-later
// GIMP 3.0 registration: PDB arguments from the parameter table; the dialog is GIMP's
// generated GimpProcedureDialog, and GimpProcedureConfig remembers the last values.
#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "../shared/help_domain.hpp"
#include "../shared/procedures.hpp"
#include "host3.hpp"

using namespace fstack::gimp;

namespace {

struct FStack {
    GimpPlugIn parent_instance;
};
struct FStackClass {
    GimpPlugInClass parent_class;
};

GType fstack_get_type();
G_DEFINE_TYPE(FStack, fstack, GIMP_TYPE_PLUG_IN)

void add_argument(GimpProcedure* p, const ParamDef& d) {
    const auto flags = G_PARAM_READWRITE;
    switch (d.kind) {
    case ParamKind::Bool:
        gimp_procedure_add_boolean_argument(p, d.name, d.label, d.help, d.def != 0, flags);
        break;
    case ParamKind::Int:
        gimp_procedure_add_int_argument(p, d.name, d.label, d.help, int(d.min), int(d.max), int(d.def), flags);
        break;
    case ParamKind::Double:
        gimp_procedure_add_double_argument(p, d.name, d.label, d.help, d.min, d.max, d.def, flags);
        break;
    case ParamKind::Choice: {
        // Script-Fu and Python pass the id ("pyramid"); the dialog shows a combo box.
        GimpChoice* choice = gimp_choice_new();
        for (size_t i = 0; i < d.choices.size(); ++i)
            gimp_choice_add(choice, d.choices[i].id, int(i), d.choices[i].label, nullptr);
        gimp_procedure_add_choice_argument(p, d.name, d.label, d.help, choice,
                                           d.choices[size_t(d.def)].id, flags);
        break;
    }
    }
}

ParamValues read_config(GimpProcedureConfig* config, const std::vector<ParamDef>& defs) {
    ParamValues v;
    for (const ParamDef& d : defs) {
        switch (d.kind) {
        case ParamKind::Bool: {
            gboolean b = FALSE;
            g_object_get(config, d.name, &b, nullptr);
            v[d.name] = b ? 1 : 0;
            break;
        }
        case ParamKind::Int: {
            gint i = 0;
            g_object_get(config, d.name, &i, nullptr);
            v[d.name] = i;
            break;
        }
        case ParamKind::Double: {
            gdouble x = 0;
            g_object_get(config, d.name, &x, nullptr);
            v[d.name] = x;
            break;
        }
        case ParamKind::Choice:
            v[d.name] = gimp_procedure_config_get_choice_id(config, d.name);
            break;
        }
    }
    return v;
}

// One frame per section (Frames, Stacker, Frame actions, Output), titled, as the 2.10 dialog.
void fill_sections(GimpProcedureDialog* dialog, const std::vector<ParamDef>& defs) {
    GList* frames = nullptr;
    std::vector<std::string> ids;  // the dialog copies the ids; they only need to outlive the calls
    int n = 0;
    for (const Section& section : sections(defs)) {
        const std::string id = "fstack-section-" + std::to_string(n++);
        GList* names = nullptr;
        for (const ParamDef* d : section.params) names = g_list_append(names, const_cast<char*>(d->name));
        gimp_procedure_dialog_fill_box_list(dialog, (id + "-box").c_str(), names);
        g_list_free(names);
        gimp_procedure_dialog_get_label(dialog, (id + "-title").c_str(), section.title, FALSE, FALSE);
        gimp_procedure_dialog_fill_frame(dialog, (id + "-frame").c_str(), (id + "-title").c_str(), FALSE,
                                         (id + "-box").c_str());
        ids.push_back(id + "-frame");
    }
    for (const std::string& id : ids) frames = g_list_append(frames, const_cast<char*>(id.c_str()));
    gimp_procedure_dialog_fill_list(dialog, frames);
    g_list_free(frames);
}

bool run_dialog(GimpProcedure* procedure, GimpProcedureConfig* config, const ProcedureDef& proc) {
    gimp_ui_init("fstack-gimp");
    std::string title = proc.menu_label;
    title.erase(std::remove(title.begin(), title.end(), '_'), title.end());
    GtkWidget* dialog = gimp_procedure_dialog_new(procedure, config, title.c_str());
    fill_sections(GIMP_PROCEDURE_DIALOG(dialog), proc.params());
    // A stacker's own options are greyed out while another stacker is chosen.
    const std::vector<ParamDef>& defs = proc.params();
    const std::string stacker_name = "stacker";
    for (const ParamDef& d : defs) {
        if (!d.stackers) continue;
        GimpValueArray* ids = gimp_value_array_new(0);
        for (const Choice& c : param(defs, stacker_name).choices) {
            if (!used_by_stacker(d, c.id)) continue;
            GValue v = G_VALUE_INIT;
            g_value_init(&v, G_TYPE_STRING);
            g_value_set_string(&v, c.id);
            gimp_value_array_append(ids, &v);
            g_value_unset(&v);
        }
        // The dialog takes the array.
        gimp_procedure_dialog_set_sensitive_if_in(GIMP_PROCEDURE_DIALOG(dialog), d.name, nullptr, "stacker", ids, TRUE);
    }
    const bool ok = gimp_procedure_dialog_run(GIMP_PROCEDURE_DIALOG(dialog));
    gtk_widget_destroy(dialog);
    return ok;
}

GimpValueArray* run(GimpProcedure* procedure, GimpRunMode run_mode, GimpImage* image,
                    GimpDrawable** /*drawables: the procedures work on all layers*/,
                    GimpProcedureConfig* config, gpointer) {
    const ProcedureDef* proc = find_procedure(gimp_procedure_get_name(procedure));
    if (run_mode == GIMP_RUN_INTERACTIVE && !run_dialog(procedure, config, *proc))
        return gimp_procedure_new_return_values(procedure, GIMP_PDB_CANCEL, nullptr);

    Host3 host(image, run_mode);
    try {
        const ParamValues v = read_config(config, proc->params());
        gimp_progress_init(proc->blurb);
        const LayerId layer = proc->run(host, v);
        GimpValueArray* ret = gimp_procedure_new_return_values(procedure, GIMP_PDB_SUCCESS, nullptr);
        GIMP_VALUES_SET_IMAGE(ret, 1, host.output_image());
        GIMP_VALUES_SET_LAYER(ret, 2, layer == kNoLayer ? nullptr : gimp_layer_get_by_id(layer));
        return ret;
    } catch (const std::exception& e) {
        // The message reaches Script-Fu/Python callers, and the user in interactive mode.
        GError* error = g_error_new_literal(GIMP_PLUG_IN_ERROR, 0, e.what());
        return gimp_procedure_new_return_values(procedure, GIMP_PDB_EXECUTION_ERROR, error);
    }
}

GList* query_procedures(GimpPlugIn* plug_in) {
    // The dialogs' Help opens the plug-in's own page (help/en/gimp-plugin.md beside it).
    GFile* help = g_file_new_for_uri(help_domain_uri(gimp_get_progname()).c_str());
    gimp_plug_in_set_help_domain(plug_in, kHelpDomain, help);
    g_object_unref(help);
    GList* names = nullptr;
    for (const ProcedureDef& p : procedures()) names = g_list_append(names, g_strdup(p.name));
    return names;
}

GimpProcedure* create_procedure(GimpPlugIn* plug_in, const gchar* name) {
    const ProcedureDef* proc = find_procedure(name);
    if (!proc) return nullptr;
    GimpProcedure* p = gimp_image_procedure_new(plug_in, name, GIMP_PDB_PROC_TYPE_PLUGIN, run, nullptr, nullptr);
    gimp_procedure_set_image_types(p, "RGB*, GRAY*");
    gimp_procedure_set_sensitivity_mask(p, GIMP_PROCEDURE_SENSITIVE_DRAWABLE |
                                               GIMP_PROCEDURE_SENSITIVE_DRAWABLES |
                                               GIMP_PROCEDURE_SENSITIVE_NO_DRAWABLES);
    gimp_procedure_set_menu_label(p, proc->menu_label);
    gimp_procedure_add_menu_path(p, kMenuPath);
    gimp_procedure_set_documentation(p, proc->blurb, proc->help, name);
    gimp_procedure_set_attribution(p, kAuthor, kCopyright, kDate);
    for (const ParamDef& d : proc->params()) add_argument(p, d);
    gimp_procedure_add_image_return_value(p, "result-image", "Result image", "The image holding the result",
                                          FALSE, G_PARAM_READWRITE);
    gimp_procedure_add_layer_return_value(p, "result-layer", "Result layer", "The result layer (none for Align)",
                                          TRUE, G_PARAM_READWRITE);
    return p;
}

void fstack_class_init(FStackClass* klass) {
    GimpPlugInClass* pc = GIMP_PLUG_IN_CLASS(klass);
    pc->query_procedures = query_procedures;
    pc->create_procedure = create_procedure;
    pc->set_i18n = nullptr;  // no translations: GIMP would look for a locale/ catalogue
}

void fstack_init(FStack*) {}

}  // namespace

GIMP_MAIN(fstack_get_type())
