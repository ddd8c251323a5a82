/* chart.c - the report's charts (time CDFs, deadline bars, node load) drawn with PLplot's svg
 * driver into memory. */
#include <math.h>
#include <plplot.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "kizuna/error.h"
#include "kizuna/util.h"

/* ---- colours and text ---------------------------------------------------- */

/* cmap0 entries: background, ink, grid (chart.h), then the series. */
enum { C_BG = CHART_BG, C_FG = CHART_FG, C_GRID = CHART_GRID, C_SERIES = 3, NSERIES = 8 };

static const unsigned pal[C_SERIES + NSERIES] = {
    [C_BG] = 0xffffff,
    [C_FG] = 0x222222,
    [C_GRID] = 0xdddddd,
    /* Okabe-Ito's colour-blind-safe set without its yellow and black, plus Tol's indigo and a
       brown. */
    [C_SERIES + 0] = 0x0072b2,
    [C_SERIES + 1] = 0xd55e00,
    [C_SERIES + 2] = 0x009e73,
    [C_SERIES + 3] = 0xe69f00,
    [C_SERIES + 4] = 0xcc79a7,
    [C_SERIES + 5] = 0x56b4e9,
    [C_SERIES + 6] = 0x332288,
    [C_SERIES + 7] = 0x8c510a,
};

int chart_series_colour(size_t i)
{
    return (int)(C_SERIES + i % NSERIES);
}

/* Solid for the first eight series, then PLplot's dash patterns 2..8. */
static PLINT series_style(size_t i)
{
    return (PLINT)(1 + (i / NSERIES) % 8);
}

static void palette(void)
{
    size_t n = sizeof pal / sizeof pal[0];
    plscmap0n((PLINT)n);
    for (size_t i = 0; i < n; i++)
        plscol0((PLINT)i, (PLINT)(pal[i] >> 16), (PLINT)(pal[i] >> 8 & 0xff),
                (PLINT)(pal[i] & 0xff));
}

/*
 * A label for PLplot: at most `max` characters (UTF-8 code points; longer
 * text is cut and ends with an ellipsis) with PLplot's escape character '#'
 * doubled so that it shows as itself. malloc'd; NULL (and nomem) when out of
 * memory.
 */
static char *label(struct chart_ctx *c, const char *s, size_t max)
{
    if (!s)
        s = "";
    if (max < 2)
        max = 2;
    size_t len = strlen(s), cps = 0, cut = len;
    for (size_t i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xc0) == 0x80)
            continue;
        if (cps == max - 1 && cut == len)
            cut = i; /* where the ellipsis goes if the text is too long */
        if (++cps > max)
            break;
    }
    if (cps <= max)
        cut = len;
    size_t hashes = 0;
    for (size_t i = 0; i < cut; i++)
        hashes += s[i] == '#';
    char *out = malloc(cut + hashes + 4);
    if (!out) {
        c->nomem = true;
        return NULL;
    }
    size_t w = 0;
    for (size_t i = 0; i < cut; i++) {
        out[w++] = s[i];
        if (s[i] == '#')
            out[w++] = '#';
    }
    if (cut < len) {
        memcpy(out + w, "\xe2\x80\xa6", 3); /* ... */
        w += 3;
    }
    out[w] = '\0';
    return out;
}

void chart_mtex(struct chart_ctx *c, const char *side, double disp, double pos, double just,
                const char *s, size_t max)
{
    char *t = label(c, s, max);
    if (t)
        plmtex(side, disp, pos, just, t);
    free(t);
}

void chart_ptex(struct chart_ctx *c, double x, double y, double just, const char *s, size_t max)
{
    char *t = label(c, s, max);
    if (t)
        plptex(x, y, 1, 0, just, t);
    free(t);
}

static void fmt(char *buf, size_t n, const char *f, ...) __attribute__((format(printf, 3, 4)));

static void fmt(char *buf, size_t n, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, n, f, ap);
    va_end(ap);
}

/* The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k) at or above v (v > 0). */
double chart_nice_ceil(double v)
{
    double p = pow(10, floor(log10(v)));
    static const double steps[] = {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (steps[i] * p >= v * (1 - 1e-9))
            return steps[i] * p;
    return 10 * p;
}

/* ---- one stream per chart ------------------------------------------------ */

/* Where PLplot's exit handler returns to while a chart is being drawn. */
static jmp_buf *exit_jump;
static char exit_msg[256];

/* plexit() would print and end the process; while drawing, jump back instead. */
static int on_plexit(PLCHAR_VECTOR msg)
{
    snprintf(exit_msg, sizeof exit_msg, "%s", msg ? msg : "");
    if (exit_jump)
        longjmp(*exit_jump, 1);
    return 1;
}

int chart_render(int width, int height, chart_draw_fn draw, const void *arg, char **svg,
                 size_t *len, char *err, size_t errlen)
{
    *svg = NULL;
    *len = 0;
    /* Static, not automatic: the stream updates them behind setjmp's back. */
    static char *buf;
    static size_t n;
    buf = NULL;
    n = 0;
    FILE *mem = open_memstream(&buf, &n);
    if (!mem) {
        kz_set_err(err, errlen, "chart: out of memory");
        return KZ_ENOMEM;
    }
    PLINT old = 0, strm = -1, level = 0;
    plgstrm(&old);
    /* PLplot's abort messages are short literals; it formats them into this with sprintf. */
    static char plmsg[2048];
    static PLINT plcode;
    plmsg[0] = '\0';
    plcode = 0;
    struct chart_ctx c = {.nomem = false};
    int rc = 0;

    jmp_buf jb;
    plsexit(on_plexit);
    exit_jump = &jb;
    if (setjmp(jb) != 0) {
        /* plexit() was called and its handler jumped here: the stream is half made.
         * Only `mem` and `old` (set before setjmp) and static storage are read. */
        exit_jump = NULL;
        plglevel(&level);
        if (level == 0)
            fclose(mem); /* the driver never took the file */
        plend1();
        plsstrm(old);
        free(buf);
        kz_set_err(err, errlen, "chart: PLplot failed: %s", exit_msg);
        return KZ_EGRAPH;
    }
    plmkstrm(&strm);
    if (strm < 0) {
        exit_jump = NULL;
        fclose(mem);
        free(buf);
        plsstrm(old);
        kz_set_err(err, errlen, "chart: PLplot has no free stream");
        return KZ_EGRAPH;
    }
    plsError(&plcode, plmsg);
    plsdev("svg");
    /* Without text clipping the driver emits no clipPath elements (and no ids to clash
     * when several charts are inlined in one page); labels are placed inside the page. */
    plsetopt("drvopt", "text_clipping=0");
    plsfile(mem);
    plspage(0, 0, width, height, 0, 0);
    palette();
    plinit();
    plglevel(&level);
    if (level > 0) {
        pladv(0);
        plschr(0, 0.9);
        plwidth(1);
        draw(&c, arg);
    }
    plend1(); /* the svg driver's tidy closes `mem` once plinit has taken it */
    exit_jump = NULL;
    if (level == 0)
        fclose(mem);
    plsstrm(old);
    if (level == 0 || plcode != 0) {
        char *m = plmsg;
        while (*m == '\n' || *m == '*' || *m == ' ')
            m++;
        kz_set_err(err, errlen, "chart: PLplot failed: %s",
                   *m ? m : "the svg driver did not start");
        rc = KZ_EGRAPH;
    } else if (c.nomem) {
        kz_set_err(err, errlen, "chart: out of memory");
        rc = KZ_ENOMEM;
    } else if (!buf || n == 0 || !strstr(buf, "<svg")) {
        kz_set_err(err, errlen, "chart: PLplot wrote no SVG");
        rc = KZ_EGRAPH;
    }
    if (rc) {
        free(buf);
        return rc;
    }
    *svg = buf;
    *len = n;
    return 0;
}

/* ---- time CDF per thread ------------------------------------------------- */

struct cdf_args {
    const char *title;
    const struct chart_cdf_line *lines;
    size_t nlines;
    double deadline_s;
};

/* Tick candidates for a log time axis, in seconds, with their labels. */
static const struct {
    double s;
    const char *text;
} log_ticks[] = {
    {1, "1s"},          {2, "2s"},           {5, "5s"},           {10, "10s"},
    {15, "15s"},        {30, "30s"},         {60, "1m"},          {120, "2m"},
    {300, "5m"},        {600, "10m"},        {900, "15m"},        {1800, "30m"},
    {3600, "1h"},       {7200, "2h"},        {3 * 3600, "3h"},    {6 * 3600, "6h"},
    {12 * 3600, "12h"}, {86400, "1d"},       {2 * 86400, "2d"},   {3 * 86400, "3d"},
    {7 * 86400, "7d"},  {14 * 86400, "14d"}, {30 * 86400, "30d"},
};

/* Each line a little thinner than the one before, so that a later line drawn over an
 * earlier one (two structures that do the same) leaves its edges showing. */
static double line_width(size_t i)
{
    static const double w[] = {3.4, 2.4, 1.8};
    return i < sizeof w / sizeof w[0] ? w[i] : 1.4;
}

/* The x axis a CDF chart is drawn on. */
struct cdf_axis {
    bool logx;        /* world x is log10(seconds) */
    double unit;      /* else seconds per world unit: 1, 60 or 3600 */
    double x0, x1;    /* world x range */
};

static bool cdf_has_deadline(const struct cdf_args *a)
{
    return isfinite(a->deadline_s) && a->deadline_s > 0;
}

/* The range, the frame, the ticks, the labels and the deadline line. */
static void cdf_axes(struct chart_ctx *c, const struct cdf_args *a, struct cdf_axis *ax)
{
    double lo = INFINITY, hi = 0;
    for (size_t i = 0; i < a->nlines; i++)
        for (size_t k = 0; k < a->lines[i].n; k++) {
            double x = a->lines[i].x_s[k];
            if (x > 0 && x < lo)
                lo = x;
            if (x > hi)
                hi = x;
        }
    bool has_deadline = cdf_has_deadline(a);
    if (has_deadline) {
        lo = fmin(lo, a->deadline_s);
        hi = fmax(hi, a->deadline_s);
    }
    if (!(hi > 0) || !isfinite(lo)) {
        lo = 60;
        hi = 3600;
    }
    if (hi <= lo * 1.01) {
        lo /= 2;
        hi *= 2;
    }
    bool logx = hi / lo > 20;
    ax->logx = logx;
    /* World x: log10(seconds) on a log axis; on a linear one seconds, minutes or hours,
     * whichever keeps the tick numbers small. */
    double unit = hi < 180 ? 1 : hi < 10 * 3600 ? 60 : 3600;
    ax->unit = unit;
    const char *xlabel = logx         ? "time from the thread's start (log scale)"
                         : unit == 1  ? "time from the thread's start (seconds)"
                         : unit == 60 ? "time from the thread's start (minutes)"
                                      : "time from the thread's start (hours)";
    double x0, x1;
    if (logx) {
        double l0 = log10(lo), l1 = log10(hi), pad = 0.04 * (l1 - l0);
        x0 = l0 - pad;
        x1 = l1 + pad;
    } else {
        x0 = 0;
        x1 = chart_nice_ceil(hi / unit * 1.04);
    }
    ax->x0 = x0;
    ax->x1 = x1;
    plvpor(0.08, 0.97, 0.14, 0.85);
    plwind(x0, x1, 0, 100);

    /* Grid, then the frame and the labels. */
    plcol0(C_GRID);
    plbox(logx ? "" : "g", 0, 0, "g", 20, 0);
    plcol0(C_FG);
    plbox(logx ? "bc" : "bcnst", 0, 0, "bcnstv", 20, 4);
    if (logx) {
        double last = -INFINITY, minsep = 0.07 * (x1 - x0);
        for (size_t i = 0; i < sizeof log_ticks / sizeof log_ticks[0]; i++) {
            double t = log10(log_ticks[i].s);
            if (t < x0 || t > x1 || t - last < minsep)
                continue;
            last = t;
            plcol0(C_GRID);
            pljoin(t, 0, t, 100);
            plcol0(C_FG);
            pljoin(t, 0, t, 1.5);
            pljoin(t, 100, t, 98.5);
            plmtex("b", 1.6, (t - x0) / (x1 - x0), 0.5, log_ticks[i].text);
        }
    }
    chart_mtex(c, "b", 3.2, 0.5, 0.5, xlabel, 120);
    chart_mtex(c, "l", 3.6, 0.5, 0.5, "replications done (%)", 80);
    plschr(0, 1.1);
    chart_mtex(c, "t", 2.6, 0.5, 0.5, a->title, 76);
    plschr(0, 0.9);

    if (has_deadline) {
        double xd = logx ? log10(a->deadline_s) : a->deadline_s / unit;
        char text[64], d[32];
        kz_fmt_dur(a->deadline_s, KZ_DUR_TICK, d, sizeof d);
        fmt(text, sizeof text, "deadline %s", d);
        plcol0(C_FG);
        pllsty(2);
        plwidth(1.5);
        pljoin(xd, 0, xd, 100);
        pllsty(1);
        plwidth(1);
        /* The label goes above the frame, where no curve can run through it. */
        double pos = (xd - x0) / (x1 - x0);
        chart_mtex(c, "t", 0.9, pos, pos < 0.1 ? 0 : pos > 0.9 ? 1 : 0.5, text, 40);
    }

}

/* Each CDF as steps. Returns false when out of memory. */
static bool cdf_lines(const struct cdf_args *a, const struct cdf_axis *ax)
{
    /* Each CDF as steps, carried on flat to the right edge. */
    for (size_t i = 0; i < a->nlines; i++) {
        const struct chart_cdf_line *l = &a->lines[i];
        if (l->n == 0)
            continue;
        size_t m = 2 * l->n + 2;
        double *xs = malloc(m * sizeof *xs), *ys = malloc(m * sizeof *ys);
        if (!xs || !ys) {
            free(xs);
            free(ys);
            return false;
        }
        size_t w = 0;
        double prev = 0;
        for (size_t k = 0; k < l->n; k++) {
            double x = l->x_s[k];
            double wx = ax->logx ? log10(fmax(x, pow(10, ax->x0))) : x / ax->unit;
            double y = 100 * fmin(fmax(l->frac[k], 0), 1);
            xs[w] = wx;
            ys[w++] = prev;
            xs[w] = wx;
            ys[w++] = y;
            prev = y;
        }
        xs[w] = ax->x1;
        ys[w++] = prev;
        plcol0(chart_series_colour(i));
        pllsty(series_style(i));
        plwidth(line_width(i));
        plline((PLINT)w, xs, ys);
        free(xs);
        free(ys);
    }
    pllsty(1);
    plwidth(1);

    return true;
}

/* The legend in the lower right. */
static void cdf_legend(struct chart_ctx *c, const struct cdf_args *a)
{
    /* Legend in the lower right, where a CDF rarely goes. */
    size_t nleg = a->nlines + (cdf_has_deadline(a) ? 1 : 0);
    if (nleg == 0)
        return;
    PLINT *opts = calloc(nleg, sizeof *opts), *tcol = calloc(nleg, sizeof *tcol),
          *lcol = calloc(nleg, sizeof *lcol), *lsty = calloc(nleg, sizeof *lsty);
    PLFLT *lwid = calloc(nleg, sizeof *lwid);
    char **text = calloc(nleg, sizeof *text);
    if (!opts || !tcol || !lcol || !lsty || !lwid || !text) {
        c->nomem = true;
        goto out;
    }
    for (size_t i = 0; i < nleg; i++) {
        opts[i] = PL_LEGEND_LINE;
        tcol[i] = C_FG;
        if (i < a->nlines) {
            const struct chart_cdf_line *l = &a->lines[i];
            char *t = label(c, l->label, 40);
            if (t && l->n == 0) {
                size_t tl = strlen(t);
                char *t2 = realloc(t, tl + 24);
                if (t2) {
                    snprintf(t2 + tl, 24, " (none done)");
                    t = t2;
                }
            }
            text[i] = t;
            lcol[i] = chart_series_colour(i);
            lsty[i] = series_style(i);
            lwid[i] = line_width(i);
        } else {
            text[i] = label(c, "deadline (mean)", 40);
            lcol[i] = C_FG;
            lsty[i] = 2;
            lwid[i] = 1.5;
        }
        if (!text[i])
            goto out;
    }
    PLFLT lw, lh;
    pllegend(&lw, &lh, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
             PL_POSITION_RIGHT | PL_POSITION_BOTTOM | PL_POSITION_INSIDE, 0.02, 0.04, 0.06, C_BG,
             C_GRID, 1, 0, 0, (PLINT)nleg, opts, 1.0, 0.85, 2.0, 0.0, tcol, (PLCHAR_MATRIX)text,
             NULL, NULL, NULL, NULL, lcol, lsty, lwid, NULL, NULL, NULL, NULL);
out:
    if (text)
        for (size_t i = 0; i < nleg; i++)
            free(text[i]);
    free(text);
    free(opts);
    free(tcol);
    free(lcol);
    free(lsty);
    free(lwid);
}

static void draw_cdf(struct chart_ctx *c, const void *arg)
{
    const struct cdf_args *a = arg;
    struct cdf_axis ax;
    cdf_axes(c, a, &ax);
    if (!cdf_lines(a, &ax)) {
        c->nomem = true;
        return;
    }
    cdf_legend(c, a);
}

int chart_cdf(const char *title, const struct chart_cdf_line *lines, size_t nlines,
              double deadline_s, char **svg, size_t *len, char *err, size_t errlen)
{
    struct cdf_args a = {title, lines, nlines, deadline_s};
    return chart_render(900, 460, draw_cdf, &a, svg, len, err, errlen);
}

/* ---- grouped bars ------------------------------------------------------------ */

struct bar_args {
    const char *title, *ylabel;
    const char *const *groups;
    size_t ngroups;
    const char *const *series;
    size_t nseries;
    const double *val, *lo, *hi;
};

void chart_box(double x0, double x1, double y0, double y1, int fill)
{
    double xs[5] = {x0, x1, x1, x0, x0}, ys[5] = {y0, y0, y1, y1, y0};
    plcol0(fill);
    plfill(4, xs, ys);
    plcol0(C_FG);
    plwidth(0.6);
    plline(5, xs, ys);
    plwidth(1);
}

/* A legend of colour boxes, outside the plot on the right. */
static void box_legend(struct chart_ctx *c, const char *const *names, size_t n)
{
    PLINT *opts = calloc(n, sizeof *opts), *tcol = calloc(n, sizeof *tcol),
          *bcol = calloc(n, sizeof *bcol), *bpat = calloc(n, sizeof *bpat);
    PLFLT *bscale = calloc(n, sizeof *bscale), *bwid = calloc(n, sizeof *bwid);
    char **text = calloc(n, sizeof *text);
    if (!opts || !tcol || !bcol || !bpat || !bscale || !bwid || !text) {
        c->nomem = true;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        opts[i] = PL_LEGEND_COLOR_BOX;
        tcol[i] = C_FG;
        bcol[i] = chart_series_colour(i);
        bpat[i] = 0;
        bscale[i] = 0.8;
        bwid[i] = 1;
        if (!(text[i] = label(c, names[i], 24)))
            goto out;
    }
    PLFLT lw, lh;
    pllegend(&lw, &lh, PL_LEGEND_BACKGROUND, PL_POSITION_RIGHT | PL_POSITION_OUTSIDE, 0.02, 0.0,
             0.03, C_BG, C_GRID, 1, 0, 0, (PLINT)n, opts, 0.8, 0.85, 2.0, 0.0, tcol,
             (PLCHAR_MATRIX)text, bcol, bpat, bscale, bwid, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL);
out:
    if (text)
        for (size_t i = 0; i < n; i++)
            free(text[i]);
    free(text);
    free(opts);
    free(tcol);
    free(bcol);
    free(bpat);
    free(bscale);
    free(bwid);
}

/* Characters of a bar chart's group label per line (about 8 px each at the label size). */
#define BAR_PLOT_PX (0.70 * 900)

size_t chart_bars_label_chars(size_t ngroups)
{
    return (size_t)fmax(6, BAR_PLOT_PX / (double)(ngroups ? ngroups : 1) / 8 - 1);
}

/* A label under the x axis at `pos`, on two lines when it is longer than `maxc`
 * characters: broken after the last space or hyphen that fits. */
static void wrapped(struct chart_ctx *c, double pos, const char *s, size_t maxc)
{
    size_t len = strlen(s), brk = 0, cps = 0;
    bool fits = true;
    for (size_t i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xc0) == 0x80)
            continue;
        if (cps++ >= maxc) {
            fits = false;
            break;
        }
        if (s[i] == ' ' || s[i] == '-')
            brk = i + 1;
    }
    if (fits || brk == 0) {
        chart_mtex(c, "b", 1.5, pos, 0.5, s, maxc);
        return;
    }
    size_t first_len = s[brk - 1] == ' ' ? brk - 1 : brk;
    char *first = malloc(first_len + 1);
    if (!first) {
        c->nomem = true;
        return;
    }
    memcpy(first, s, first_len);
    first[first_len] = '\0';
    chart_mtex(c, "b", 1.5, pos, 0.5, first, maxc);
    chart_mtex(c, "b", 2.7, pos, 0.5, s + brk, maxc);
    free(first);
}

static void draw_bars(struct chart_ctx *c, const void *arg)
{
    const struct bar_args *a = arg;
    size_t G = a->ngroups, S = a->nseries;
    double vx0 = 0.08, vx1 = vx0 + BAR_PLOT_PX / 900;
    plvpor(vx0, vx1, 0.16, 0.90);
    plwind(-0.5, (double)G - 0.5, 0, 110);
    plcol0(C_GRID);
    plbox("", 0, 0, "g", 20, 0);
    plcol0(C_FG);
    /* The frame and y ticks up to 100 %: a box to 110 with ticks labelled 0..100. */
    plbox("bc", 0, 0, "bcnstv", 20, 4);
    chart_mtex(c, "l", 3.6, 0.5, 0.5, a->ylabel, 80);
    plschr(0, 1.1);
    chart_mtex(c, "t", 1.5, 0.5, 0.5, a->title, 80);
    plschr(0, 0.9);

    size_t maxc = chart_bars_label_chars(G);
    double bw = 0.8 / (double)(S ? S : 1);
    /* Values over the bars when a bar is wide enough for "100%". */
    bool values = (vx1 - vx0) * 900 / (double)(G ? G : 1) * bw >= 30;
    for (size_t g = 0; g < G; g++) {
        wrapped(c, ((double)g + 0.5) / (double)G, a->groups[g], maxc);
        for (size_t s = 0; s < S; s++) {
            double v = a->val[g * S + s];
            if (!isfinite(v))
                continue;
            double xl = (double)g - 0.4 + (double)s * bw, xm = xl + bw / 2, y = 100 * v;
            chart_box(xl + bw * 0.06, xl + bw * 0.94, 0, y, chart_series_colour(s));
            double top = y;
            if (a->lo && a->hi && isfinite(a->lo[g * S + s]) && isfinite(a->hi[g * S + s])) {
                double ylo = 100 * a->lo[g * S + s], yhi = 100 * a->hi[g * S + s];
                plcol0(C_FG);
                plwidth(1.2);
                plerry(1, &xm, &ylo, &yhi);
                plwidth(1);
                top = fmax(top, yhi);
            }
            if (values) {
                char t[16];
                fmt(t, sizeof t, "%.0f%%", y);
                plschr(0, S > 4 ? 0.6 : 0.75);
                plcol0(C_FG);
                chart_ptex(c, xm, top + 3, 0.5, t, 8);
                plschr(0, 0.9);
            }
        }
    }
    box_legend(c, a->series, S);
}

int chart_bars(const char *title, const char *ylabel, const char *const *groups, size_t ngroups,
               const char *const *series, size_t nseries, const double *val, const double *lo,
               const double *hi, char **svg, size_t *len, char *err, size_t errlen)
{
    struct bar_args a = {title, ylabel, groups, ngroups, series, nseries, val, lo, hi};
    return chart_render(900, 420, draw_bars, &a, svg, len, err, errlen);
}

/* ---- node load ---------------------------------------------------------------- */

struct node_args {
    const char *title;
    const char *const *labels;
    const double *util, *wait_s;
    size_t n;
    double util_top, wait_top_s;
};

/* Horizontal bars for rows top to bottom in the current viewport, window [0, xmax] x [0, n]. */
static void hbars(struct chart_ctx *c, const double *v, size_t n, double scale, double xmax,
                  PLINT colour, bool percent, const char *unit)
{
    for (size_t i = 0; i < n; i++) {
        double x = v[i] * scale;
        if (!isfinite(x))
            continue;
        double yc = (double)(n - i) - 0.5;
        if (x > 0)
            chart_box(0, fmin(x, xmax), yc - 0.32, yc + 0.32, colour);
        char t[48];
        if (percent && x > 0 && x < 0.5)
            fmt(t, sizeof t, "<1%%");
        else if (percent)
            fmt(t, sizeof t, "%.0f%%", x);
        else if (x == 0)
            fmt(t, sizeof t, "0 %s", unit);
        else if (x < 10)
            fmt(t, sizeof t, "%.1f %s", x, unit);
        else
            fmt(t, sizeof t, "%.0f %s", x, unit);
        plcol0(C_FG);
        chart_ptex(c, fmin(x, xmax) + xmax * 0.015, yc - 0.05, 0, t, 16);
    }
}

static void draw_nodes(struct chart_ctx *c, const void *arg)
{
    const struct node_args *a = arg;
    size_t n = a->n;
    double umax = fmax(a->util_top * 100, 0), wmax = fmax(a->wait_top_s, 0);
    for (size_t i = 0; i < n; i++) {
        if (isfinite(a->util[i]))
            umax = fmax(umax, a->util[i] * 100);
        if (isfinite(a->wait_s[i]))
            wmax = fmax(wmax, a->wait_s[i]);
    }
    umax = fmin(100, chart_nice_ceil(fmax(umax * 1.25, 5)));
    double wscale = 1;
    const char *wunit = "s", *wlabel = "mean wait for a cell (s)";
    if (wmax >= 2 * 3600) {
        wscale = 1.0 / 3600;
        wunit = "h";
        wlabel = "mean wait for a cell (hours)";
    } else if (wmax >= 120) {
        wscale = 1.0 / 60;
        wunit = "min";
        wlabel = "mean wait for a cell (minutes)";
    }
    double wtop = chart_nice_ceil(fmax(wmax * wscale * 1.3, 1));
    double height = 110 + 28 * (double)(n ? n : 1);
    double vy0 = 55 / height, vy1 = 1 - 50 / height;
    double rows = (double)(n ? n : 1);

    /* Left panel: utilisation, with the node labels. */
    plvpor(0.22, 0.58, vy0, vy1);
    plwind(0, umax, 0, rows);
    plcol0(C_GRID);
    plbox("g", 0, 0, "", 0, 0);
    plcol0(C_FG);
    plbox("bcnst", 0, 0, "bc", 0, 0);
    for (size_t i = 0; i < n; i++)
        chart_mtex(c, "lv", 0.8, ((double)(n - i) - 0.5) / rows, 1.0, a->labels[i], 28);
    chart_mtex(c, "b", 3.0, 0.5, 0.5, "utilisation (% of cell time)", 60);
    hbars(c, a->util, n, 100, umax, chart_series_colour(0), true, "");

    /* Right panel: mean wait before a cell takes the job. */
    plvpor(0.63, 0.97, vy0, vy1);
    plwind(0, wtop, 0, rows);
    plcol0(C_GRID);
    plbox("g", 0, 0, "", 0, 0);
    plcol0(C_FG);
    plbox("bcnst", 0, 0, "bc", 0, 0);
    chart_mtex(c, "b", 3.0, 0.5, 0.5, wlabel, 60);
    hbars(c, a->wait_s, n, wscale, wtop, chart_series_colour(1), false, wunit);

    /* Title over both panels. */
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    plschr(0, 1.1);
    plcol0(C_FG);
    chart_ptex(c, 0.5, 1 - 24 / height, 0.5, a->title, 100);
    plschr(0, 0.9);
}

int chart_nodes(const char *title, const char *const *labels, const double *util,
                const double *wait_s, size_t n, double util_top, double wait_top_s, char **svg,
                size_t *len, char *err, size_t errlen)
{
    struct node_args a = {title, labels, util, wait_s, n, util_top, wait_top_s};
    int h = 110 + 28 * (int)(n ? (n > 200 ? 200 : n) : 1);
    return chart_render(900, h, draw_nodes, &a, svg, len, err, errlen);
}
