/* report_steps.c - steps.csv: one row per replication, thread, copy and step. */
#include <stdio.h>
#include <string.h>

#include "report_impl.h"

/* A number in the CSV: the JSON's digits; nothing for NAN or an infinity. */
static void number(struct rep_out *o, double v)
{
    char buf[40];
    rep_fmt_num(v, buf, sizeof buf);
    if (strcmp(buf, "null") != 0)
        rep_puts(o, buf);
}

static void header(struct rep_out *o)
{
    rep_puts(o, "scenario,structure,run,thread,copy,step,step_id,kind,start_s,end_s");
    for (int c = 0; c < KZ_CAUSE_COUNT; c++) {
        rep_putc(o, ',');
        rep_csv_field(o, kz_cause_names[c]);
        rep_puts(o, "_s");
    }
    rep_puts(o, ",cp_node,cp_cause\r\n");
}

static void row(struct rep_out *o, const char *scenario, const char *structure,
                const kz_sim_result *r, const struct kz_step_row *s)
{
    const struct kz_thread_stats *t =
        s->thread >= 0 ? kz_sim_result_thread(r, (size_t)s->thread) : NULL;
    const struct kz_step_stats *st =
        s->thread >= 0 && s->step >= 0 ? kz_sim_result_step(r, (size_t)s->thread, (size_t)s->step)
                                       : NULL;
    const struct kz_node_stats *n = s->node >= 0 ? kz_sim_result_node(r, (size_t)s->node) : NULL;
    rep_csv_field(o, scenario);
    rep_putc(o, ',');
    rep_csv_field(o, structure);
    rep_printf(o, ",%ld,", s->run);
    if (t)
        rep_csv_field(o, t->id);
    else
        rep_printf(o, "%d", s->thread);
    rep_printf(o, ",%d,%d,", s->copy, s->step);
    rep_csv_field(o, st ? st->id : NULL);
    rep_putc(o, ',');
    rep_csv_field(o, s->kind);
    rep_putc(o, ',');
    if (s->start_s >= 0)
        number(o, s->start_s);
    rep_putc(o, ',');
    if (s->end_s >= 0)
        number(o, s->end_s);
    for (int c = 0; c < KZ_CAUSE_COUNT; c++) {
        rep_putc(o, ',');
        number(o, s->cause_s[c]);
    }
    rep_putc(o, ',');
    rep_csv_field(o, n ? n->id : NULL);
    rep_putc(o, ',');
    rep_csv_field(o, s->cause >= 0 && s->cause < KZ_CAUSE_COUNT ? kz_cause_names[s->cause] : NULL);
    rep_puts(o, "\r\n");
}

void rep_steps_csv(struct rep_out *o, const struct kz_report_group *groups, size_t ngroups)
{
    header(o);
    for (size_t g = 0; g < ngroups; g++)
        for (size_t i = 0; i < groups[g].nresults; i++) {
            const kz_sim_result *r = groups[g].results[i];
            size_t n = 0;
            const struct kz_step_row *rows = kz_sim_result_steps(r, &n);
            for (size_t k = 0; rows && k < n && !o->failed; k++)
                row(o, rep_group_name(&groups[g]), rep_structure_name(r), r, &rows[k]);
        }
}
