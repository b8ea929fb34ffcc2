/*-------------------------------------------------------------------------
 *
 * jsondecode.h
 *		Reading jsonb objects the way Go's encoding/json decodes them into
 *		a struct.
 *
 * IDENTIFICATION
 *		src/jsondecode.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_JSONDECODE_H
#define MEMBERS_JSONDECODE_H

#include "utils/jsonb.h"

/*
 * Match the keys of the jsonb object obj to the struct field names
 * fields[0..nfields) as Go's decoder does: a key spelled exactly as a
 * field name wins over keys equal to it ignoring ASCII case; among keys of
 * the same standing the last one counts; keys matching no field are
 * ignored.  have[i] tells whether field i was given, and then found[i]
 * holds its value (nested containers as jbvBinary pointing into obj).
 */
extern void members_json_match_fields(JsonbContainer *obj,
									  const char *const *fields, int nfields,
									  JsonbValue *found, bool *have);

/*
 * Raise 22023 naming the limit when the jsonb value j (what: "the request
 * body") nests containers deeper than max_depth (a top-level object or
 * array is depth 1).  Linear in the size of j, interruptible.
 */
extern void members_jsonb_check_depth(Jsonb *j, int max_depth, const char *what);

#endif							/* MEMBERS_JSONDECODE_H */
