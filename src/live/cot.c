/* cot.c - CoT events: defaults, classification by type, control messages, times, the checks
 * and the escaping output buffer the parser, the writer and the protobuf codec share. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "live/cot.h"
#include "util/xml_esc.h"

enum { STALE_CONTROL_MS = 60 * 1000 };

void cot_event_init(struct cot_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->hae = ev->ce = ev->le = 9999999.0;
}

static bool prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

void cot_event_classify(struct cot_event *ev)
{
    static const struct {
        const char *type;
        enum cot_ctl ctl;
    } ctls[] = {
        {"t-x-c-t", COT_CTL_PING},      {"t-x-c-t-r", COT_CTL_PONG},
        {"t-x-takp-v", COT_CTL_TAKP_V}, {"t-x-takp-q", COT_CTL_TAKP_Q},
        {"t-x-takp-r", COT_CTL_TAKP_R}, {"t-x-d-d", COT_CTL_DELETE},
    };
    ev->ctl = COT_CTL_NONE;
    for (size_t i = 0; i < sizeof ctls / sizeof ctls[0]; i++)
        if (strcmp(ev->type, ctls[i].type) == 0)
            ev->ctl = ctls[i].ctl;
    /* A TAK user's alerts (tak-cot.md §2.2): 911, Ring the Bell, Troops in Contact, geofence
     * breach; b-a-o-can cancels. */
    if (strcmp(ev->type, "b-a-o-can") == 0)
        ev->emergency_cancel = true;
    else if (prefix(ev->type, "b-a-o-") || strcmp(ev->type, "b-a-g") == 0 ||
             prefix(ev->type, "b-a-g-"))
        ev->emergency = true;
}

static void control(const char *uid, const char *type, const char *how, int64_t now_ms,
                    struct cot_event *ev)
{
    cot_event_init(ev);
    cot_copy(ev->uid, sizeof ev->uid, uid);
    cot_copy(ev->type, sizeof ev->type, type);
    cot_copy(ev->how, sizeof ev->how, how);
    ev->time_ms = ev->start_ms = now_ms;
    ev->stale_ms = now_ms + STALE_CONTROL_MS;
    cot_event_classify(ev);
}

void cot_pong(int64_t now_ms, struct cot_event *ev)
{
    /* As TAK Server answers (SubmissionService.java, tak-cot.md §2.2). */
    control("takPong", "t-x-c-t-r", "h-g-i-g-o", now_ms, ev);
}

void cot_ping(const char *uid, int64_t now_ms, struct cot_event *ev)
{
    control(uid, "t-x-c-t", "h-g-i-g-o", now_ms, ev);
}

void cot_delete(const char *uid, const char *target, int64_t now_ms, struct cot_event *ev)
{
    control(uid, "t-x-d-d", "h-g-i-g-o", now_ms, ev);
    cot_copy(ev->link_uid, sizeof ev->link_uid, target);
}

bool cot_copy(char *dst, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (n >= cap)
        return false;
    memcpy(dst, s, n + 1);
    return true;
}

/* ---- times ------------------------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

enum { YEAR_MIN = 1970, YEAR_MAX = 9999 };
static const int64_t MS_MAX = 253402300799999; /* 9999-12-31T23:59:59.999Z */

void cot_time_format(int64_t ms, char *buf, size_t n)
{
    if (ms < 0)
        ms = 0;
    if (ms > MS_MAX)
        ms = MS_MAX;
    int64_t days = ms / 86400000, rem = ms % 86400000;
    int64_t y;
    int mo, d;
    civil_from_days(days, &y, &mo, &d);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)y, mo, d, (int)(rem / 3600000),
             (int)(rem / 60000 % 60), (int)(rem / 1000 % 60), (int)(rem % 1000));
}

/* n digits of s as a number, or -1 when one is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int cot_time_parse(const char *s, int64_t *out)
{
    /* CCYY-MM-DDThh:mm:ss[.s*]Z (tak-cot.md §2.1): 20 characters at least. */
    if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':')
        return KZ_ECHECK;
    int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
    int h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
    if (y < YEAR_MIN || y > YEAR_MAX || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 ||
        mi > 59 || se < 0 || se > 59)
        return KZ_ECHECK;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] + (mo == 2 && leap))
        return KZ_ECHECK;
    const char *p = s + 19;
    int frac = 0, nd = 0;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return KZ_ECHECK;
        for (; *p >= '0' && *p <= '9'; p++, nd++)
            if (nd < 3)
                frac = frac * 10 + (*p - '0');
        for (int k = nd; k < 3; k++)
            frac *= 10;
    }
    if (p[0] != 'Z' || p[1] != '\0')
        return KZ_ECHECK;
    int64_t days = days_from_civil(y, mo, d);
    *out = ((days * 24 + h) * 60 + mi) * 60000 + (int64_t)se * 1000 + frac;
    return 0;
}

/* ---- checks ------------------------------------------------------------------------------ */

size_t cot_utf8_char(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80)
        return c >= 0x20 || c == '\t' || c == '\n' || c == '\r' ? 1 : 0;
    size_t len;
    uint32_t cp, min;
    if ((c & 0xE0) == 0xC0) {
        len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
        return 0;
    return len;
}

bool cot_text_ok(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t k = cot_utf8_char(u + i, n - i);
        if (k == 0)
            return false;
        i += k;
    }
    return true;
}

static bool word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Past one or more word characters at s, or NULL. */
static const char *words(const char *s)
{
    if (!word(*s))
        return NULL;
    while (word(*s))
        s++;
    return s;
}

bool cot_type_ok(const char *s)
{
    s = words(s);
    if (!s)
        return false;
    while (*s == '-') {
        s = words(s + 1);
        if (!s)
            return false;
    }
    if (*s == ';')
        return strchr(s + 1, ';') == NULL;
    return *s == '\0';
}

bool cot_how_ok(const char *s)
{
    if (!word(*s))
        return false;
    s++;
    while (*s == '-') {
        s = words(s + 1);
        if (!s)
            return false;
    }
    return *s == '\0';
}

/* ---- output ------------------------------------------------------------------------------ */

void cot_out_raw(struct cot_out *o, const char *s, size_t n)
{
    if (o->over)
        return;
    if (o->cap == 0 || n > o->cap - 1 - o->len) {
        o->over = true;
        return;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

void cot_out_str(struct cot_out *o, const char *s)
{
    cot_out_raw(o, s, strlen(s));
}

void cot_out_esc(struct cot_out *o, const char *s, size_t n, bool attr)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0; /* start of the bytes not yet written */
    for (size_t i = 0; i < n;) {
        size_t k = cot_utf8_char(u + i, n - i);
        const char *rep = NULL;
        if (k == 0) {
            rep = "?";
            k = 1;
        } else if (k == 1) {
            rep = xml_entity(u[i], attr);
        }
        if (rep) {
            cot_out_raw(o, s + run, i - run);
            cot_out_str(o, rep);
            run = i + k;
        }
        i += k;
    }
    cot_out_raw(o, s + run, n - run);
}

void cot_out_attr(struct cot_out *o, const char *name, const char *value)
{
    cot_out_raw(o, " ", 1);
    cot_out_str(o, name);
    cot_out_raw(o, "=\"", 2);
    cot_out_esc(o, value, strlen(value), true);
    cot_out_raw(o, "\"", 1);
}

void cot_out_num(struct cot_out *o, const char *name, double v)
{
    char num[40];
    if (!isfinite(v)) {
        snprintf(num, sizeof num, "9999999");
    } else if (fpclassify(v) == FP_SUBNORMAL) {
        snprintf(num, sizeof num, "0"); /* strtod would refuse it (ERANGE) */
    } else {
        /* The shortest of %.15g .. %.17g that reads back exactly: deterministic and exact. */
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(num, sizeof num, "%.*g", prec, v);
            if (strtod(num, NULL) == v)
                break;
        }
    }
    cot_out_attr(o, name, num);
}
