/* cot.h - Cursor-on-Target events: the struct, the stream scanner, the parser, the writer, the
 * track <-> CoT type and how tables (docs/cot-codec.md). No sockets here. */
#ifndef KZ_COT_H
#define KZ_COT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Sizes (bytes, with the terminating NUL) of the fixed fields of an event. The parser refuses a
 * value that does not fit (KZ_ELIMIT) rather than cut it, except `remarks` (cut at a UTF-8
 * boundary, `remarks_cut` set) and `extra` (an element that does not fit is left out,
 * `extra_dropped` counts it): both are free text a client may make as long as it likes.
 */
enum {
    COT_UID_MAX = 128,
    COT_TYPE_MAX = 64,
    COT_HOW_MAX = 32,
    COT_SHORT_MAX = 64,    /* access, caveat, qos, opex, group name and role, endpoint */
    COT_CALLSIGN_MAX = 64, /* contact callsign, marti/dest callsign */
    COT_ID_MAX = 64,       /* kizuna node and track ids, the flow-tag node */
    COT_LIST_MAX = 256,    /* releasableTo, and the marking's nation lists */
    COT_REMARKS_MAX = 512,
    COT_EXTRA_MAX = 2048, /* the <detail> children this codec does not model, as XML */
    COT_DEST_MAX = 16,    /* marti/dest entries kept; more is refused */
    COT_ATTR_MAX = 1024,  /* longest attribute value the parser accepts at all */
    COT_DEPTH_MAX = 16,   /* deepest element nesting the parser accepts (event = 1) */
    COT_NATTR_MAX = 64,   /* most attributes on one element */
    COT_CAP_MIN = 256     /* smallest scanner cap cot_scan_init accepts */
};

/* What the event is to the protocol (from its type): a picture item, or one of the control
 * messages a TAK server and its clients exchange (tak-cot.md §2.2, §2.5). */
enum cot_ctl {
    COT_CTL_NONE,   /* a picture item: PLI, track, marker, report ... */
    COT_CTL_PING,   /* t-x-c-t */
    COT_CTL_PONG,   /* t-x-c-t-r */
    COT_CTL_TAKP_V, /* t-x-takp-v: the server announces the protocol versions it supports */
    COT_CTL_TAKP_Q, /* t-x-takp-q: the client asks for `takp_version` */
    COT_CTL_TAKP_R, /* t-x-takp-r: the server answers `takp_status` */
    COT_CTL_DELETE  /* t-x-d-d: delete the item `link_uid` */
};

/* What a kizuna marking describes (the `kind` attribute of <__kizuna>). */
enum cot_kind { COT_KIND_TRACK, COT_KIND_ALERT, COT_KIND_REPORT, COT_KIND_COUNT };

/*
 * The kizuna marking, carried in <detail> as
 *   <__kizuna cls="S" releasable="USA JPN" disclosable="" node="jjoc" track="T1" kind="track"/>
 * cls: the classification letters of the structure files (U C S TS, kz_classif_names);
 * releasable, disclosable: nation ids as in the structure, separated by one space (normalised
 * so on parse), possibly empty. Ids are checked for their syntax here and against the
 * structure by the gateway (cot_nations_mask).
 */
struct cot_mark {
    bool present;
    int cls; /* 0 U, 1 C, 2 S, 3 TS */
    char releasable[COT_LIST_MAX];
    char disclosable[COT_LIST_MAX];
    char node[COT_ID_MAX];  /* the node that marked it, may be empty */
    char track[COT_ID_MAX]; /* the kizuna track id, may be empty */
    enum cot_kind kind;
};

/* One marti/dest entry (directed delivery): a callsign, a uid or both. */
struct cot_dest {
    char callsign[COT_CALLSIGN_MAX];
    char uid[COT_UID_MAX];
};

/*
 * One CoT event. Every string is NUL-terminated valid UTF-8 without control characters other
 * than tab, newline and carriage return (the parser and the protobuf decoder guarantee it; the
 * writer replaces anything else by '?'). Empty string: absent. Times are milliseconds since
 * the epoch (UTC). Plain data: copy it with `=`, no ownership.
 */
struct cot_event {
    char uid[COT_UID_MAX];
    char type[COT_TYPE_MAX];
    char how[COT_HOW_MAX];
    int64_t time_ms, start_ms, stale_ms;
    double lat, lon, hae, ce, le; /* 9999999 for unknown hae/ce/le, as TAK does */
    /* The TAK access attributes of <event>, as written (tak-cot.md §2.1). */
    char access[COT_SHORT_MAX];
    char caveat[COT_SHORT_MAX];
    char releasable_to[COT_LIST_MAX];
    char qos[COT_SHORT_MAX];
    char opex[COT_SHORT_MAX];

    /* <detail> children modelled here. */
    char callsign[COT_CALLSIGN_MAX]; /* <contact callsign=> */
    char endpoint[COT_SHORT_MAX];    /* <contact endpoint=> */
    char group_name[COT_SHORT_MAX];  /* <__group name= role=> */
    char group_role[COT_SHORT_MAX];
    bool has_track; /* <track speed= course=>: m/s, degrees true */
    double speed, course;
    char remarks[COT_REMARKS_MAX]; /* <remarks>text</remarks> */
    bool remarks_cut;
    struct cot_dest dest[COT_DEST_MAX]; /* <marti><dest .../></marti> */
    int ndest;
    bool emergency;        /* <emergency> (not cancelled), or a b-a-o-* / b-a-g type */
    bool emergency_cancel; /* <emergency cancel="true"> or b-a-o-can */
    struct cot_mark mark;  /* <__kizuna .../> */
    /* <_flow-tags_>: one attribute per system that handled the event. The parser sets
     * flow_kizuna when any attribute is named "kizuna-NODE" (flow_from = the first NODE); other
     * systems' tags are not kept. The writer adds `kizuna-<flow_add>="<time>"` when flow_add is
     * set (characters outside [A-Za-z0-9._-] become '_'). */
    bool flow_kizuna;
    char flow_from[COT_ID_MAX];
    char flow_add[COT_ID_MAX];

    /* Protocol control (from the type and its detail). */
    enum cot_ctl ctl;
    int takp_version;           /* TAKP_V: highest <TakProtocolSupport version=>; Q: requested */
    bool takp_status;           /* TAKP_R: <TakResponse status="true"> */
    char link_uid[COT_UID_MAX]; /* DELETE: <link uid=> of the item to delete */

    /* Every other child of <detail>, re-serialised by this codec (escaped, well-formed), in the
     * order received; the writer copies it as is. Callers that build events leave it empty. */
    char extra[COT_EXTRA_MAX];
    int extra_dropped;
};

/* Zeroes *ev and sets hae, ce and le to the "unknown" 9999999. */
void cot_event_init(struct cot_event *ev);

/* Classifies ev->type into ev->ctl (and ev->emergency for b-a-o-*, b-a-g types). The parser
 * and the protobuf decoder call it; a caller that sets `type` by hand may too. */
void cot_event_classify(struct cot_event *ev);

/* Control messages a server sends, filled into *ev (times now_ms to now_ms + 60 s, point 0,0):
 * the answer to a ping, t-x-c-t-r with uid "takPong" and how h-g-i-g-o as TAK Server sends it;
 * a ping, t-x-c-t with uid `uid`; a delete of item `target`, t-x-d-d with uid `uid`, how
 * h-g-i-g-o and <link uid="target" relation="none" type="none"/>. */
void cot_pong(int64_t now_ms, struct cot_event *ev);
void cot_ping(const char *uid, int64_t now_ms, struct cot_event *ev);
void cot_delete(const char *uid, const char *target, int64_t now_ms, struct cot_event *ev);

/* ---- the stream scanner ---------------------------------------------------------------- */

enum cot_scan_mode {
    COT_SCAN_XML,  /* events concatenated on the stream, each `<event` ... `</event>` */
    COT_SCAN_PROTO /* TAK protocol v1 streaming: 0xBF, varint length, TakMessage */
};

/* What cot_scan_next found. */
enum cot_scan_item {
    COT_SCAN_NEED = 0,    /* nothing complete: feed more bytes */
    COT_SCAN_EVENT = 1,   /* a complete message (XML from `<event` to `</event>`; protobuf: the
                           * TakMessage payload without its header) */
    COT_SCAN_TOO_BIG = 2, /* a message over the cap began: it is being skipped (up to its
                           * `</event>`, or its length); reported once per message */
    COT_SCAN_JUNK = 3     /* bytes that are no message were skipped (whitespace and <?xml ?>
                           * declarations between XML events are not junk) */
};

/*
 * Splits a byte stream into messages. The scanner keeps the bytes not yet returned, at most
 * about `cap` plus what one feed adds: a message over `cap` bytes is never buffered whole, it is
 * skipped as it arrives. An event may arrive split anywhere; several may arrive in one feed.
 * In XML mode, an event ends at the first `</event>` after its `<event` (as TAK Server splits).
 * Counters count from init, for the gateway's thresholds and its journal.
 */
struct cot_scan {
    size_t cap;
    enum cot_scan_mode mode;
    unsigned char *buf; /* owned */
    size_t len, size;   /* bytes held, allocated */
    size_t pos;         /* bytes of buf already dealt with (dropped at the next feed) */
    int state;          /* internal */
    size_t mark;        /* internal: where the `</event>` search resumes */
    uint64_t skip_left; /* internal: protobuf bytes still to skip */
    uint64_t events, too_big, junk, junk_bytes;
};

/* Starts a scanner in XML mode with messages of at most `cap` bytes (>= COT_CAP_MIN).
 * Returns 0 or KZ_EINVAL. Nothing is allocated until the first feed. */
int cot_scan_init(struct cot_scan *s, size_t cap);
void cot_scan_free(struct cot_scan *s);
/* Switches the mode (after the t-x-takp-r answer): bytes already held are read in the new
 * mode. */
void cot_scan_set_mode(struct cot_scan *s, enum cot_scan_mode mode);
/* Adds n bytes (copied). Call cot_scan_next until it returns COT_SCAN_NEED before feeding
 * again, or the held bytes grow with every feed. Returns 0 or KZ_ENOMEM. */
int cot_scan_feed(struct cot_scan *s, const void *data, size_t n);
/*
 * The next item: for COT_SCAN_EVENT, *msg and *len are the message (valid until the next
 * feed or next call; not NUL-terminated); for COT_SCAN_JUNK the skipped bytes (part of a run
 * may be reported in several items); for COT_SCAN_TOO_BIG the first bytes of the message
 * seen so far.
 */
enum cot_scan_item cot_scan_next(struct cot_scan *s, const unsigned char **msg, size_t *len);

/* ---- the parser and the writer ---------------------------------------------------------- */

/*
 * Parses one CoT XML event (untrusted) with expat into *ev: DOCTYPE, entity declarations and
 * external entities are refused, nesting is at most COT_DEPTH_MAX, attribute values at most
 * COT_ATTR_MAX bytes. Every required attribute is checked: version (a number >= 2), uid, type
 * (\w+(-\w+)*(;[^;]*)?), how (\w(-\w+)*), time, start and stale (CCYY-MM-DDThh:mm:ss[.s*]Z),
 * exactly one <point> with lat in [-90, 90], lon in [-180, 180] and finite hae, ce, le.
 * Returns 0; KZ_EPARSE (not well-formed, DOCTYPE, entities), KZ_ECHECK (a value breaks a rule)
 * or KZ_ELIMIT (a limit above), with the reason and its line:column in why[0..whylen).
 */
int cot_parse(const char *xml, size_t len, struct cot_event *ev, char *why, size_t whylen);

/*
 * Parses the children of a <detail> given without the wrapper (TAK protocol v1's xmlDetail)
 * into *ev, whose other fields are kept. Same checks and returns as cot_parse.
 */
int cot_parse_detail(const char *xml, size_t len, struct cot_event *ev, char *why, size_t whylen);

/*
 * Writes *ev as one XML document (an <?xml?> declaration, then the event, no newline) into
 * buf[0..cap), NUL-terminated; *len gets the length without the NUL. Deterministic: the same
 * event gives the same bytes; every attribute and text is escaped. Numbers are written with
 * the fewest digits that read back to the same double. Returns 0 or KZ_ELIMIT (does not fit).
 */
int cot_write(const struct cot_event *ev, char *buf, size_t cap, size_t *len);

/* The TAK protocol v1 split: what cot_write puts in <detail>, without the wrapper and, unless
 * `typed` is set, without the children the protobuf Detail carries in typed fields (contact,
 * __group, track). Same returns as cot_write. */
int cot_write_xml_detail(const struct cot_event *ev, bool typed, char *buf, size_t cap,
                         size_t *len);
/* Whether ev->extra holds an element a protobuf Detail types (contact, __group, track): a
 * second one of the event's own. Sent typed, the decoder would read the first of those in
 * xmlDetail as the typed one (xmlDetail wins) and the typed field's would be lost. */
bool cot_extra_has_typed(const struct cot_event *ev);

/* Milliseconds since the epoch as CCYY-MM-DDThh:mm:ss.mmmZ (buf of at least 32 bytes). */
void cot_time_format(int64_t ms, char *buf, size_t n);
/* The reverse (fraction: any number of digits, cut to milliseconds). 0 or KZ_ECHECK. */
int cot_time_parse(const char *s, int64_t *ms);

/* ---- the mapping between kizuna tracks and CoT (docs/cot-codec.md, "Mapping") ----------- */

/* A kizuna track's category. */
enum cot_category {
    COT_CAT_UNKNOWN,
    COT_CAT_AIR,
    COT_CAT_MISSILE, /* a missile in flight */
    COT_CAT_MARITIME,
    COT_CAT_SUBSURFACE,
    COT_CAT_GROUND,
    COT_CAT_COUNT
};

/* Standard identity (affiliation), the CoT letter after `a-`. */
enum cot_affil {
    COT_AFF_UNKNOWN, /* u */
    COT_AFF_PENDING, /* p */
    COT_AFF_ASSUMED, /* a: assumed friend */
    COT_AFF_FRIEND,  /* f */
    COT_AFF_NEUTRAL, /* n */
    COT_AFF_SUSPECT, /* s */
    COT_AFF_HOSTILE, /* h */
    COT_AFF_COUNT
};

/* Where a track's position came from, for `how`. */
enum cot_source {
    COT_SRC_DATALINK, /* m-r-t-j: arrived over a data link (TADIL-J) */
    COT_SRC_FUSED,    /* m-f: fused from several sources */
    COT_SRC_MANUAL,   /* h-e: entered by hand (estimated) */
    COT_SRC_GPS,      /* m-g: a device's own GPS (reports in: PLI) */
    COT_SRC_MACHINE,  /* any other m-*: reports in only */
    COT_SRC_COUNT
};

/* Names as written in structure files and on the command line ("air", "missile", "maritime",
 * "subsurface", "ground", "unknown"; "unknown", "pending", "assumed-friend", "friend",
 * "neutral", "suspect", "hostile"). */
extern const char *const cot_category_names[COT_CAT_COUNT];
extern const char *const cot_affil_names[COT_AFF_COUNT];

/* The CoT type of a track, e.g. a-h-A (air, hostile), a-h-A-W-M (missile in flight), into
 * buf[0..n) (n >= COT_TYPE_MAX is always enough). Out-of-range values count as unknown. */
void cot_type_for(enum cot_category cat, enum cot_affil aff, char *buf, size_t n);
/* The `how` of a track from its source (static string). */
const char *cot_how_for(enum cot_source src);
/*
 * The reverse, for reports in: true when `type` is an atom (a-...), with its affiliation and
 * category (a-?-A-W-M... missile, a-?-A air, a-?-S maritime, a-?-U subsurface, a-?-G and
 * a-?-F ground, anything else unknown; affiliations j, k count as hostile, x and o as
 * unknown). False, with both set to unknown, for any other type.
 */
bool cot_type_parse(const char *type, enum cot_category *cat, enum cot_affil *aff);
/* The source a `how` names (h-* manual, m-r-t-j data link, m-f fused, m-g* GPS, other m-*
 * machine); COT_SRC_MANUAL for anything else. */
enum cot_source cot_how_parse(const char *how);

/*
 * An alert of kizuna (a missile warning) as a CoT event: the type for it (see
 * docs/cot-codec.md, "Alerts": a hostile missile in flight, a-h-A-W-M, with the warning's text
 * as remarks, not a TAK user's emergency b-a-o-*). Static string.
 */
const char *cot_alert_type(void);

/*
 * A marking's nation list (ids separated by spaces) as a mask over the structure's nations
 * (bit i: nation i). Returns 0, or KZ_ENOTFOUND with the unknown id in why.
 */
struct kz_model;
int cot_nations_mask(const struct kz_model *m, const char *list, uint64_t *mask, char *why,
                     size_t whylen);
/* The reverse: the ids of the nations in `mask`, in the structure's order, separated by one
 * space, into buf[0..n) (NUL-terminated; cut when it does not fit, at an id boundary). */
void cot_nations_list(const struct kz_model *m, uint64_t mask, char *buf, size_t n);

/* ---- codec internals, shared by cot*.c and takproto.c (not for other callers) ----------- */

/* A bounded output buffer: writes stop at the first one that does not fit (`over` set); p is
 * always NUL-terminated. */
struct cot_out {
    char *p;
    size_t cap, len;
    bool over;
};
void cot_out_raw(struct cot_out *o, const char *s, size_t n);
void cot_out_str(struct cot_out *o, const char *s);
/* Escaped text (attr: for an attribute value in double quotes); invalid UTF-8 and control
 * characters XML cannot carry become '?'. */
void cot_out_esc(struct cot_out *o, const char *s, size_t n, bool attr);
/* ` name="value"` with the value escaped. */
void cot_out_attr(struct cot_out *o, const char *name, const char *value);
/* ` name="number"`: the fewest digits that read back to v; non-finite as 9999999, subnormal
 * as 0. */
void cot_out_num(struct cot_out *o, const char *name, double v);

/* Length of the UTF-8 sequence at s[0..n) when it is one XML 1.0 character (tab, newline and
 * carriage return included; other C0 controls, surrogates, U+FFFE, U+FFFF and overlong forms
 * excluded), else 0. */
size_t cot_utf8_char(const unsigned char *s, size_t n);
/* True when s[0..n) is all such characters. */
bool cot_text_ok(const char *s, size_t n);
/* The patterns of CoT 2.0: type \w+(-\w+)*(;[^;]*)?, how \w(-\w+)*. */
bool cot_type_ok(const char *s);
bool cot_how_ok(const char *s);
/* Copies s into dst[0..cap) when it fits (with its NUL); false otherwise (dst untouched). */
bool cot_copy(char *dst, size_t cap, const char *s);

#endif
