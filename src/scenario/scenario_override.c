/* scenario_override.c - changes to a loaded scenario for one use (a validation case's overrides). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kizuna/error.h"
#include "scenario/scenario_impl.h"
#include "scenario/scenario_override.h"

#define WEEK_MIN   (7 * 1440)
#define MAX_COPIES 64 /* as the loader's */
#define MAX_THREADS 64

int kz_scenario_set_copies(kz_scenario *s, const char *thread, int copies)
{
    if (!s || !thread || copies < 1 || copies > MAX_COPIES)
        return KZ_EINVAL;
    for (size_t i = 0; i < s->nthreads; i++)
        if (s->threads[i].id && !strcmp(s->threads[i].id, thread)) {
            s->threads[i].copies = copies;
            return KZ_OK;
        }
    return KZ_ENOTFOUND;
}

int kz_scenario_set_start(kz_scenario *s, int week_min_utc)
{
    if (!s || week_min_utc < 0 || week_min_utc >= WEEK_MIN)
        return KZ_EINVAL;
    s->start_any = false;
    s->start_window = false;
    s->start_week_min_utc = week_min_utc;
    return KZ_OK;
}

int kz_scenario_set_start_window(kz_scenario *s, int lo_week_min_utc, int hi_week_min_utc)
{
    if (!s || lo_week_min_utc < 0 || lo_week_min_utc >= WEEK_MIN || hi_week_min_utc < 0 ||
        hi_week_min_utc >= WEEK_MIN)
        return KZ_EINVAL;
    int len = ((hi_week_min_utc - lo_week_min_utc) % WEEK_MIN + WEEK_MIN) % WEEK_MIN;
    s->start_any = false;
    s->start_window = true;
    s->start_win_lo = lo_week_min_utc;
    s->start_win_len = len;
    s->start_week_min_utc = (lo_week_min_utc + len / 2) % WEEK_MIN;
    return KZ_OK;
}

int kz_scenario_set_runs(kz_scenario *s, long runs)
{
    if (!s || runs < 1 || runs > 100000000L)
        return KZ_EINVAL;
    s->runs = runs;
    return KZ_OK;
}

int kz_scenario_set_seed(kz_scenario *s, uint64_t seed)
{
    if (!s)
        return KZ_EINVAL;
    s->seed = seed;
    return KZ_OK;
}

/* Whole digits at *p (at most `max`), advancing it; -1 when there are none. */
static int digits(const char **p, int max)
{
    int v = 0, k = 0;
    while (k < max && **p >= '0' && **p <= '9') {
        v = v * 10 + (**p - '0');
        (*p)++;
        k++;
    }
    return k ? v : -1;
}

/* "UTC+9", "+9", "+09:00", "-5:30" or nothing into minutes east of UTC; false if malformed. */
static bool offset_of(const char *p, int *off_min)
{
    *off_min = 0;
    if (!*p)
        return true;
    if (!strncmp(p, "UTC", 3))
        p += 3;
    char sign = *p++;
    if (sign != '+' && sign != '-')
        return false;
    int oh = digits(&p, 2), om = 0;
    if (oh < 0 || oh > 14)
        return false;
    if (*p == ':') {
        p++;
        if ((om = digits(&p, 2)) < 0 || om > 59)
            return false;
    }
    if (*p)
        return false;
    *off_min = (sign == '-' ? -1 : 1) * (oh * 60 + om);
    return true;
}

int kz_scenario_parse_start(const char *text, int *week_min_utc)
{
    static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    if (!text || !week_min_utc)
        return KZ_EINVAL;
    int d = -1;
    for (int i = 0; i < 7; i++)
        if (!strncmp(text, days[i], 3) && text[3] == ' ')
            d = i;
    if (d < 0)
        return KZ_EINVAL;
    const char *p = text + 4;
    while (*p == ' ')
        p++;
    int h = digits(&p, 2);
    if (h < 0 || h > 23 || *p++ != ':')
        return KZ_EINVAL;
    const char *mp = p;
    int m = digits(&p, 2);
    if (m < 0 || m > 59 || p - mp != 2)
        return KZ_EINVAL;
    while (*p == ' ')
        p++;
    int off;
    if (!offset_of(p, &off))
        return KZ_EINVAL;
    int local = d * 1440 + h * 60 + m;
    *week_min_utc = ((local - off) % WEEK_MIN + WEEK_MIN) % WEEK_MIN;
    return KZ_OK;
}

/* ---- an overrides block ------------------------------------------------------------- */

/* `copies: N` (the case's thread) or `copies: {THREAD: N, ...}`. */
static void copies_of(struct yread *L, const struct ynode *n, struct soverrides *c)
{
    size_t k = n->type == Y_MAP ? n->n : 1;
    if (k == 0 || k > MAX_THREADS) {
        yr_report(L, n, 13, "copies names %zu threads; 1 to %d are allowed", k, MAX_THREADS);
        return;
    }
    c->copies = yr_lalloc(L, k * sizeof *c->copies);
    for (size_t i = 0; c->copies && i < k; i++) {
        const struct ynode *val = n->type == Y_MAP ? n->kids[2 * i + 1] : n;
        const char *th = n->type == Y_MAP ? yr_str_of(L, n->kids[2 * i], "a thread id") : NULL;
        double x;
        if ((n->type != Y_MAP || th) && yr_number_of(L, val, "copies", 1, 64, &x)) {
            if (x != floor(x)) {
                yr_report(L, val, 4, "copies must be a whole number");
                continue;
            }
            c->copies[c->ncopies++] =
                (struct so_copies){th, (int)x, (struct pos){val->line, val->col}};
        }
    }
}

static bool start_text(struct yread *L, const struct ynode *n, int *week)
{
    const char *s = yr_str_of(L, n, "start");
    if (!s)
        return false;
    if (kz_scenario_parse_start(s, week) == KZ_OK)
        return true;
    yr_report(L, n, 12,
              "start '%.40s' must be a day, a time and an offset, e.g. 'tue 05:58 UTC+9'", s);
    return false;
}

/* `start: "sun 05:58 UTC+9"`, `start: any` or `start: {from: T, to: T}`. */
static void start_of(struct yread *L, const struct ynode *n, struct soverrides *c)
{
    if (n->type == Y_MAP) {
        static const char *const keys[] = {"from", "to", NULL};
        yr_check_keys(L, n, keys, "a start window");
        const struct ynode *a = yr_required(L, n, "from", "a start window");
        const struct ynode *b = yr_required(L, n, "to", "a start window");
        if (a && b && start_text(L, a, &c->start_lo) && start_text(L, b, &c->start_hi))
            c->start = SO_WINDOW;
        return;
    }
    if (n->type == Y_SCALAR && n->str && !strcmp(n->str, "any")) {
        c->start = SO_ANY;
        return;
    }
    if (start_text(L, n, &c->start_lo))
        c->start = SO_FIXED;
}

void so_read(struct yread *L, const struct ynode *n, struct soverrides *c)
{
    static const char *const keys[] = {"copies", "start", "runs", "seed", NULL};
    if (!yr_want(L, n, Y_MAP, "overrides"))
        return;
    yr_check_keys(L, n, keys, "overrides");
    const struct ynode *v;
    double x;
    if ((v = ymap_get(n, "copies")))
        copies_of(L, v, c);
    if ((v = ymap_get(n, "start")))
        start_of(L, v, c);
    if ((v = ymap_get(n, "runs")) && yr_number_of(L, v, "runs", 1, 1e8, &x))
        c->runs = (long)x;
    if ((v = ymap_get(n, "seed")) && yr_number_of(L, v, "seed", 0, 9007199254740991.0, &x)) {
        c->has_seed = true;
        c->seed = (uint64_t)x;
    }
}

const char *so_apply(kz_scenario *s, const struct soverrides *o, const char *thread,
                     struct pos *at)
{
    const char *bad = NULL;
    for (size_t i = 0; i < o->ncopies; i++) {
        const char *th = o->copies[i].thread ? o->copies[i].thread : thread;
        if (kz_scenario_set_copies(s, th, o->copies[i].copies) == KZ_ENOTFOUND && !bad) {
            bad = th;
            *at = o->copies[i].pos;
        }
    }
    if (o->start == SO_FIXED)
        (void)kz_scenario_set_start(s, o->start_lo);
    else if (o->start == SO_WINDOW)
        (void)kz_scenario_set_start_window(s, o->start_lo, o->start_hi);
    else if (o->start == SO_ANY) {
        s->start_any = true;
        s->start_window = false;
    }
    if (o->runs > 0)
        (void)kz_scenario_set_runs(s, o->runs);
    if (o->has_seed)
        (void)kz_scenario_set_seed(s, o->seed);
    return bad;
}
