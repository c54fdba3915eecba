// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialog2.hpp"

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include <algorithm>
#include <string>

namespace fstack::gimp {
namespace {

struct Field {
    const ParamDef* def;
    GtkWidget* widget;
    GtkWidget* label;
};

// A stacker's own options are greyed out while another stacker is chosen.
struct StackerSensitivity {
    const Field* stacker = nullptr;
    const std::vector<Field>* fields = nullptr;

    void apply() const {
        const int chosen = gtk_combo_box_get_active(GTK_COMBO_BOX(stacker->widget));
        if (chosen < 0 || size_t(chosen) >= stacker->def->choices.size()) return;
        const std::string id = stacker->def->choices[size_t(chosen)].id;
        for (const Field& f : *fields) {
            if (!f.def->stackers) continue;
            const gboolean on = used_by_stacker(*f.def, id);
            gtk_widget_set_sensitive(f.widget, on);
            gtk_widget_set_sensitive(f.label, on);
        }
    }
    static void on_changed(GtkComboBox*, gpointer self) { static_cast<const StackerSensitivity*>(self)->apply(); }
};

GtkWidget* make_widget(const ParamDef& d, double value) {
    switch (d.kind) {
    case ParamKind::Bool: {
        GtkWidget* w = gtk_check_button_new();
        gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(w), value != 0);
        return w;
    }
    case ParamKind::Choice: {
        GtkWidget* w = gtk_combo_box_text_new();
        for (const Choice& c : d.choices) gtk_combo_box_text_append_text(GTK_COMBO_BOX_TEXT(w), c.label);
        gtk_combo_box_set_active(GTK_COMBO_BOX(w), int(value));
        return w;
    }
    default: {
        const bool whole = d.kind == ParamKind::Int;
        GtkWidget* w = gtk_spin_button_new_with_range(d.min, d.max, whole ? 1 : 0.05);
        gtk_spin_button_set_digits(GTK_SPIN_BUTTON(w), whole ? 0 : 2);
        gtk_spin_button_set_value(GTK_SPIN_BUTTON(w), value);
        return w;
    }
    }
}

double read_widget(const Field& f) {
    switch (f.def->kind) {
    case ParamKind::Bool: return gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(f.widget)) ? 1 : 0;
    case ParamKind::Choice: return gtk_combo_box_get_active(GTK_COMBO_BOX(f.widget));
    default: return gtk_spin_button_get_value(GTK_SPIN_BUTTON(f.widget));
    }
}

}  // namespace

bool run_dialog2(const ProcedureDef& proc, ParamValues& values) {
    gimp_ui_init("fstack-gimp", FALSE);
    std::string title = proc.menu_label;
    title.erase(std::remove(title.begin(), title.end(), '_'), title.end());
    GtkWidget* dialog = gimp_dialog_new(title.c_str(), "fstack-gimp", nullptr, GtkDialogFlags(0),
                                        gimp_standard_help_func, proc.name, "_Cancel",
                                        GTK_RESPONSE_CANCEL, "_OK", GTK_RESPONSE_OK, nullptr);
    // One framed table per section (Frames, Stacker, Frame actions, Output), as GIMP 3's dialog.
    GtkWidget* vbox = gtk_vbox_new(FALSE, 12);
    gtk_container_set_border_width(GTK_CONTAINER(vbox), 12);
    gtk_box_pack_start(GTK_BOX(gtk_dialog_get_content_area(GTK_DIALOG(dialog))), vbox, TRUE, TRUE, 0);
    std::vector<Field> fields;
    // The labels of all sections share one width, so the widgets line up across the frames.
    GtkSizeGroup* labels = gtk_size_group_new(GTK_SIZE_GROUP_HORIZONTAL);
    for (const Section& section : sections(proc.params())) {
        GtkWidget* frame = gimp_frame_new(section.title);
        gtk_box_pack_start(GTK_BOX(vbox), frame, FALSE, FALSE, 0);
        GtkWidget* table = gtk_table_new(guint(section.params.size()), 2, FALSE);
        gtk_table_set_col_spacings(GTK_TABLE(table), 6);
        gtk_table_set_row_spacings(GTK_TABLE(table), 4);
        gtk_container_add(GTK_CONTAINER(frame), table);
        guint row = 0;
        for (const ParamDef* d : section.params) {
            GtkWidget* w = make_widget(*d, values.at(d->name));
            GtkWidget* label = gtk_label_new_with_mnemonic(d->label);
            gtk_label_set_mnemonic_widget(GTK_LABEL(label), w);
            gtk_misc_set_alignment(GTK_MISC(label), 0.0, 0.5);
            gtk_size_group_add_widget(labels, label);
            gimp_help_set_help_data(w, d->help, nullptr);
            gtk_table_attach(GTK_TABLE(table), label, 0, 1, row, row + 1, GTK_FILL, GTK_FILL, 0, 0);
            gtk_table_attach(GTK_TABLE(table), w, 1, 2, row, row + 1, GtkAttachOptions(GTK_EXPAND | GTK_FILL),
                             GTK_FILL, 0, 0);
            fields.push_back({d, w, label});
            ++row;
        }
    }
    g_object_unref(labels);  // the labels keep the group alive
    StackerSensitivity sensitivity;
    sensitivity.fields = &fields;
    for (const Field& f : fields)
        if (std::string(f.def->name) == "stacker") sensitivity.stacker = &f;
    if (sensitivity.stacker) {
        g_signal_connect(sensitivity.stacker->widget, "changed", G_CALLBACK(StackerSensitivity::on_changed), &sensitivity);
        sensitivity.apply();
    }
    gtk_widget_show_all(dialog);
    const bool ok = gimp_dialog_run(GIMP_DIALOG(dialog)) == GTK_RESPONSE_OK;
    if (ok)
        for (const Field& f : fields) values[f.def->name] = read_widget(f);
    gtk_widget_destroy(dialog);
    return ok;
}

}  // namespace fstack::gimp
