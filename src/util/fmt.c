/* fmt.c - kz_fmt_dur: every duration kizuna writes for a reader, in one of three styles. */
#include <math.h>
#include <stdio.h>

#include "kizuna/util.h"

/* "12.3s", "4m05s", "2h10m"; "-" for NaN, "n/c" (not completed) for infinity. */
static void table(double s, char *buf, size_t n)
{
    if (isnan(s))
        snprintf(buf, n, "-");
    else if (isinf(s))
        snprintf(buf, n, "n/c");
    else if (s < 60)
        snprintf(buf, n, "%.1fs", s);
    else if (s < 3600)
        snprintf(buf, n, "%dm%02ds", (int)(s / 60), (int)s % 60);
    else if (s < 1e9)
        snprintf(buf, n, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
    else /* beyond any horizon; keeps the int conversions above defined */
        snprintf(buf, n, "%.3gh", s / 3600);
}

/* "850 ms", "42 s", "4m 12s", "1h 05m", "2d 03h"; "not reached" for +inf, an em dash for NaN. */
static void prose(double secs, char *buf, size_t n)
{
    if (isnan(secs)) {
        snprintf(buf, n, "\xe2\x80\x94");
        return;
    }
    if (isinf(secs)) {
        snprintf(buf, n, secs > 0 ? "not reached" : "-");
        return;
    }
    const char *sign = secs < 0 ? "-" : "";
    secs = fabs(secs);
    if (secs < 0.9995) {
        snprintf(buf, n, "%s%.0f ms", sign, secs * 1000);
        return;
    }
    if (secs < 9.95) {
        snprintf(buf, n, "%s%.1f s", sign, secs);
        return;
    }
    if (secs < 59.5) {
        snprintf(buf, n, "%s%.0f s", sign, secs);
        return;
    }
    if (secs > 1e12) { /* beyond any horizon; keeps the conversion below defined */
        snprintf(buf, n, "%s%.3g d", sign, secs / 86400);
        return;
    }
    /* Round to the smallest unit shown first, so 59m 59.7s reads "1h 00m", never "60m 00s". */
    long long s = llround(secs), mins = (s + 30) / 60, hours = (s + 1800) / 3600;
    if (s < 3600)
        snprintf(buf, n, "%s%lldm %02llds", sign, s / 60, s % 60);
    else if (mins < 24 * 60)
        snprintf(buf, n, "%s%lldh %02lldm", sign, mins / 60, mins % 60);
    else
        snprintf(buf, n, "%s%lldd %02lldh", sign, hours / 24, hours % 24);
}

/* "45s", "12m", "1h30m", "2d". */
static void tick(double s, char *buf, size_t n)
{
    if (!isfinite(s) || fabs(s) > 1e12)
        snprintf(buf, n, "%g", s);
    else if (s < 59.5)
        snprintf(buf, n, "%.0fs", s);
    else if (s < 3600 - 30)
        snprintf(buf, n, "%.0fm", s / 60);
    else if (s < 86400 - 1800) {
        long m = lround(s / 60);
        if (m % 60)
            snprintf(buf, n, "%ldh%02ldm", m / 60, m % 60);
        else
            snprintf(buf, n, "%ldh", m / 60);
    } else {
        long h = lround(s / 3600);
        if (h % 24)
            snprintf(buf, n, "%ldd%ldh", h / 24, h % 24);
        else
            snprintf(buf, n, "%ldd", h / 24);
    }
}

void kz_fmt_dur(double secs, enum kz_dur_style style, char *buf, size_t n)
{
    if (!buf || !n)
        return;
    switch (style) {
    case KZ_DUR_PROSE:
        prose(secs, buf, n);
        break;
    case KZ_DUR_TICK:
        tick(secs, buf, n);
        break;
    case KZ_DUR_TABLE:
    default:
        table(secs, buf, n);
        break;
    }
}
