/* cot_scan.c - the incremental CoT stream scanner: XML events or 0xBF-framed protobuf, capped. */
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "live/cot.h"
#include "live/takproto.h"

/* Scanner states (struct cot_scan.state). */
enum {
    ST_IDLE,     /* between messages */
    ST_IN_EVENT, /* an XML event began at buf[pos]; `</event>` not seen yet */
    ST_SKIP_XML, /* skipping an oversized XML event up to its `</event>` */
    ST_SKIP_PB   /* skipping an oversized protobuf payload: skip_left bytes */
};

static const char END_TAG[] = "</event>";
enum { END_LEN = sizeof END_TAG - 1, DECL_MAX = 256 };

int cot_scan_init(struct cot_scan *s, size_t cap)
{
    memset(s, 0, sizeof *s);
    if (cap < COT_CAP_MIN)
        return KZ_EINVAL;
    s->cap = cap;
    s->mode = COT_SCAN_XML;
    s->state = ST_IDLE;
    return 0;
}

void cot_scan_free(struct cot_scan *s)
{
    free(s->buf);
    s->buf = NULL;
    s->len = s->size = s->pos = 0;
}

void cot_scan_set_mode(struct cot_scan *s, enum cot_scan_mode mode)
{
    if (s->mode == mode)
        return;
    s->mode = mode;
    /* A partial message of the old mode is junk now: start over at the current byte. */
    s->state = ST_IDLE;
    s->mark = 0;
    s->skip_left = 0;
}

int cot_scan_feed(struct cot_scan *s, const void *data, size_t n)
{
    /* Drop what was dealt with, so the buffer holds at most one pending message. */
    if (s->pos > 0) {
        memmove(s->buf, s->buf + s->pos, s->len - s->pos);
        s->len -= s->pos;
        s->mark = s->mark > s->pos ? s->mark - s->pos : 0;
        s->pos = 0;
    }
    if (n == 0)
        return 0;
    if (n > SIZE_MAX - s->len)
        return KZ_ENOMEM;
    if (s->len + n > s->size) {
        size_t size = s->size ? s->size : 4096;
        while (size < s->len + n)
            size = size > SIZE_MAX / 2 ? s->len + n : size * 2;
        unsigned char *nb = realloc(s->buf, size);
        if (!nb)
            return KZ_ENOMEM;
        s->buf = nb;
        s->size = size;
    }
    memcpy(s->buf + s->len, data, n);
    s->len += n;
    return 0;
}

/* First occurrence of needle[0..nl) in h[0..hl), or NULL. */
static const unsigned char *find(const unsigned char *h, size_t hl, const char *needle, size_t nl)
{
    if (hl < nl)
        return NULL;
    const unsigned char *end = h + hl - nl + 1;
    for (const unsigned char *p = h; p < end; p++) {
        p = memchr(p, (unsigned char)needle[0], (size_t)(end - p));
        if (!p)
            return NULL;
        if (memcmp(p, needle, nl) == 0)
            return p;
    }
    return NULL;
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Hands out buf[from..to) as a junk item (less trailing whitespace) and moves past it. */
static enum cot_scan_item junk(struct cot_scan *s, size_t from, size_t to,
                               const unsigned char **msg, size_t *len)
{
    size_t end = to;
    while (s->mode == COT_SCAN_XML && end > from + 1 && is_space(s->buf[end - 1]))
        end--;
    *msg = s->buf + from;
    *len = end - from;
    s->junk++;
    s->junk_bytes += end - from;
    s->pos = to;
    return COT_SCAN_JUNK;
}

/*
 * XML between events: skips whitespace and <?xml ?> declarations, reports anything else as
 * junk, and stops at the start of an event (state ST_IN_EVENT) or when more bytes are needed.
 * Returns COT_SCAN_NEED to go on (state changed or bytes needed), or a junk item.
 */
static enum cot_scan_item xml_idle(struct cot_scan *s, const unsigned char **msg, size_t *len)
{
    size_t i = s->pos;
    for (;;) {
        while (i < s->len && is_space(s->buf[i]))
            i++;
        s->pos = i;
        size_t j = i; /* end of a junk stretch starting at i */
        bool decl = false;
        while (j < s->len) {
            if (s->buf[j] != '<') {
                j++;
                continue;
            }
            size_t avail = s->len - j;
            if (avail >= 7 && memcmp(s->buf + j, "<event", 6) == 0 &&
                (is_space(s->buf[j + 6]) || s->buf[j + 6] == '>')) {
                if (j > i)
                    return junk(s, i, j, msg, len);
                s->state = ST_IN_EVENT;
                s->mark = j;
                return COT_SCAN_NEED;
            }
            if (avail >= 5 && memcmp(s->buf + j, "<?xml", 5) == 0) {
                size_t look = avail < DECL_MAX ? avail : DECL_MAX;
                const unsigned char *q = find(s->buf + j, look, "?>", 2);
                if (q) {
                    if (j > i)
                        return junk(s, i, j, msg, len);
                    i = (size_t)(q - s->buf) + 2; /* a declaration: skip it, go on */
                    decl = true;
                    break;
                }
                if (avail < DECL_MAX) /* the declaration may end in the next feed */
                    break;
                j++; /* too long for a declaration: junk */
                continue;
            }
            if (avail < 7 && (memcmp(s->buf + j, "<event", avail < 6 ? avail : 6) == 0 ||
                              memcmp(s->buf + j, "<?xml", avail < 5 ? avail : 5) == 0))
                break; /* could still become an event or a declaration */
            j++;
        }
        if (decl)
            continue;
        if (j > i)
            return junk(s, i, j, msg, len);
        return COT_SCAN_NEED;
    }
}

static enum cot_scan_item xml_next(struct cot_scan *s, const unsigned char **msg, size_t *len)
{
    for (;;) {
        if (s->state == ST_IDLE) {
            enum cot_scan_item it = xml_idle(s, msg, len);
            if (it != COT_SCAN_NEED || s->state == ST_IDLE)
                return it;
        }
        if (s->state == ST_IN_EVENT) {
            /* The search resumes where it stopped, less a partial `</event>`. */
            size_t from = s->mark > s->pos + END_LEN ? s->mark - (END_LEN - 1) : s->pos;
            const unsigned char *e = find(s->buf + from, s->len - from, END_TAG, END_LEN);
            if (e) {
                size_t end = (size_t)(e - s->buf) + END_LEN;
                size_t n = end - s->pos;
                *msg = s->buf + s->pos;
                s->state = ST_IDLE;
                s->pos = end;
                if (n > s->cap) {
                    *len = s->cap < n ? s->cap : n;
                    s->too_big++;
                    return COT_SCAN_TOO_BIG;
                }
                *len = n;
                s->events++;
                return COT_SCAN_EVENT;
            }
            s->mark = s->len;
            if (s->len - s->pos <= s->cap)
                return COT_SCAN_NEED;
            /* Over the cap: report it, then drop its bytes as they come. */
            *msg = s->buf + s->pos;
            *len = s->cap;
            s->too_big++;
            s->state = ST_SKIP_XML;
            s->pos = s->len - (END_LEN - 1);
            return COT_SCAN_TOO_BIG;
        }
        if (s->state == ST_SKIP_XML) {
            const unsigned char *e = find(s->buf + s->pos, s->len - s->pos, END_TAG, END_LEN);
            if (!e) {
                if (s->len - s->pos > END_LEN - 1)
                    s->pos = s->len - (END_LEN - 1);
                return COT_SCAN_NEED;
            }
            s->pos = (size_t)(e - s->buf) + END_LEN;
            s->state = ST_IDLE;
        }
    }
}

static enum cot_scan_item pb_next(struct cot_scan *s, const unsigned char **msg, size_t *len)
{
    for (;;) {
        if (s->state == ST_SKIP_PB) {
            size_t avail = s->len - s->pos;
            if ((uint64_t)avail < s->skip_left) {
                s->skip_left -= avail;
                s->pos = s->len;
                return COT_SCAN_NEED;
            }
            s->pos += (size_t)s->skip_left;
            s->skip_left = 0;
            s->state = ST_IDLE;
        }
        if (s->pos >= s->len)
            return COT_SCAN_NEED;
        if (s->buf[s->pos] != TAKP_MAGIC) {
            const unsigned char *m = memchr(s->buf + s->pos, TAKP_MAGIC, s->len - s->pos);
            size_t to = m ? (size_t)(m - s->buf) : s->len;
            return junk(s, s->pos, to, msg, len);
        }
        uint64_t n;
        int h = takp_varint_get(s->buf + s->pos + 1, s->len - s->pos - 1, &n);
        if (h == 0)
            return COT_SCAN_NEED;
        if (h < 0) /* not a frame: the magic byte was junk */
            return junk(s, s->pos, s->pos + 1, msg, len);
        size_t start = s->pos + 1 + (size_t)h;
        if (n > (uint64_t)s->cap) {
            *msg = s->buf + s->pos;
            *len = s->len - s->pos < s->cap ? s->len - s->pos : s->cap;
            s->too_big++;
            s->skip_left = n;
            s->pos = start;
            s->state = ST_SKIP_PB;
            return COT_SCAN_TOO_BIG;
        }
        if ((uint64_t)(s->len - start) < n)
            return COT_SCAN_NEED;
        *msg = s->buf + start;
        *len = (size_t)n;
        s->pos = start + (size_t)n;
        s->events++;
        return COT_SCAN_EVENT;
    }
}

enum cot_scan_item cot_scan_next(struct cot_scan *s, const unsigned char **msg, size_t *len)
{
    *msg = NULL;
    *len = 0;
    if (!s->buf)
        return COT_SCAN_NEED;
    return s->mode == COT_SCAN_XML ? xml_next(s, msg, len) : pb_next(s, msg, len);
}
