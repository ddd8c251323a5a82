/* command.h - operators' and the exercise director's commands to a node (YAML or JSON). */
#ifndef KZ_COMMAND_H
#define KZ_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "kizuna/diag.h"
#include "wire.h"

/*
 * A command is one YAML/JSON mapping (docs/live.md, "Commands"):
 *   {cmd: share, kind: track|alert|report, to: [ids], track: T1, lat: .., lon: .., alt: ..,
 *    category: air, affiliation: hostile,
 *    text: .., precedence: flash, classification: S, releasable: [USA, JPN], disclosable: []}
 *   {cmd: request, decision: id, assets: JPN, ...attributes}
 *   {cmd: order, decision: id, to: [ids], ...attributes}
 *   {cmd: phase, phase: id}
 *   {cmd: outage, id: 0..63, kind: node|network|link|cut, ids: [..], down: true|false}
 *   {cmd: decide, key: N, answer: approve|deny, text: ..}
 *   {cmd: stop}
 *   {cmd: load, action: relay|review|..., precedence: ..}  (a background job: staff load)
 * plus `tag`, `aux` and `thread` (the exercise director's bookkeeping). A share may
 * carry `repeat: N` and `rate: R` (per wall second): a stream of N shares, for
 * load tests and the benchmark; with `update: true` they are N updates of one track.
 * Defaults as in scenarios: IMMEDIATE, SECRET, releasable to every nation.
 */
enum cmd_kind { C_SHARE, C_REQUEST, C_ORDER, C_PHASE, C_OUTAGE, C_DECIDE, C_STOP, C_LOAD };

#define CMD_MAX_IDS 64

struct command {
    enum cmd_kind kind;
    enum kz_msg_kind msg;
    int to[CMD_MAX_IDS];
    int nto;
    int decision, assets, phase, action;
    struct eng_attr attr;
    struct wire_body body;
    uint8_t category, affil; /* a track's: enum cot_category, cot_affil (cot.h); 0 unknown */
    uint32_t tag, aux;
    int outage_id;
    enum outage_kind okind;
    int ids[CMD_MAX_IDS];
    int nids;
    bool down;
    int64_t key;
    bool approve;
    long repeat; /* share: this many, track ids suffixed -0, -1 ... (a stream) */
    double rate; /* per wall second; 0: as fast as the node goes */
    bool update; /* a stream of updates of one track: no suffix (the newest replaces the rest) */
};

/* Parses and checks one command against the structure; problems go to `d` at their
 * place in `file`. Returns 0, KZ_EPARSE, KZ_ECHECK or KZ_ENOMEM. */
int cmd_parse(const struct kz_model *m, const char *file, const char *text, size_t len,
              struct command *out, kz_diags *d);

/* The one encoder: writes `c` as the JSON text cmd_parse reads back to the same command
 * (every field the kind uses; the director's tag, aux and thread when set). `c` must hold
 * indices valid in `m`. *out is malloc'd, the caller frees it. Returns 0, KZ_EINVAL (with
 * err) or KZ_ENOMEM. */
int cmd_encode(const struct kz_model *m, const struct command *c, char **out, char *err,
               size_t errlen);

#endif
