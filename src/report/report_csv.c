/* report_csv.c - runs.csv: one row per replication x thread, RFC 4180 quoting. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "report_impl.h"

void rep_csv_field(struct rep_out *o, const char *s)
{
    if (!s)
        return;
    size_t n = strlen(s);
    bool quote = strpbrk(s, ",\"\r\n") != NULL || (n && (s[0] == ' ' || s[n - 1] == ' '));
    if (!quote) {
        rep_write(o, s, n);
        return;
    }
    rep_putc(o, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            rep_putc(o, '"');
        rep_putc(o, *p);
    }
    rep_putc(o, '"');
}

static void number(struct rep_out *o, double v)
{
    char buf[40];
    rep_fmt_num(v, buf, sizeof buf);
    if (strcmp(buf, "null") != 0)
        rep_puts(o, buf);
}

static void result_rows(struct rep_out *o, const char *scenario, const kz_sim_result *r)
{
    struct kz_sim_totals t;
    kz_sim_result_totals(r, &t);
    size_t nt = kz_sim_result_nthreads(r);
    for (long run = 0; run < t.runs && !o->failed; run++) {
        size_t rows = 0;
        for (size_t i = 0; i < nt; i++) {
            struct kz_run_row row;
            if (!kz_sim_result_run(r, run, i, &row))
                continue;
            rows++;
            const struct kz_thread_stats *ts = kz_sim_result_thread(r, i);
            rep_csv_field(o, scenario);
            rep_putc(o, ',');
            rep_csv_field(o, t.structure);
            rep_printf(o, ",%ld,", run);
            rep_csv_field(o, ts->id);
            rep_putc(o, ',');
            if (row.time_s >= 0)
                number(o, row.time_s);
            rep_putc(o, ',');
            number(o, row.deadline_s);
            rep_printf(o, ",%d,", row.met ? 1 : 0);
            if (row.stopped_step >= 0)
                rep_printf(o, "%d", row.stopped_step);
            rep_puts(o, "\r\n");
        }
        if (run == 0 && rows == 0)
            return; /* the result was run without keep_runs */
    }
}

void rep_csv(struct rep_out *o, const struct kz_report_group *groups, size_t ngroups)
{
    rep_puts(o, "scenario,structure,run,thread,time_s,deadline_s,met,stopped_step\r\n");
    for (size_t g = 0; g < ngroups; g++)
        for (size_t i = 0; i < groups[g].nresults; i++)
            result_rows(o, rep_group_name(&groups[g]), groups[g].results[i]);
}
